"""The REST API every UI uses: FastAPI routes (thin) over services (the logic)."""
