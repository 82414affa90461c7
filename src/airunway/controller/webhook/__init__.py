"""The admission webhook server: TLS, AdmissionReview in and out, and its registration."""
