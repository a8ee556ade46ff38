"""Scheduled reports: HTML, PDF and CSV built from the same queries and figures as the
dashboard, delivered to a folder, by email or to a webhook, with every run recorded."""
