"""The backend list benchmark and the stack it shares with the web benchmark."""
