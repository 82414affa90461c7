"""Dev cluster start-up benchmark."""
