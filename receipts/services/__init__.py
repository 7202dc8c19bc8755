"""The only code that writes receipts, images and order metadata."""
