"""Celery glue: the app, queues, beat schedule and one thin task per pipeline step."""
