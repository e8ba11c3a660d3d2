"""The scheduler: periodic jobs of the running stack (reminder mails; the privacy purge will
join them), started by `make run` as its own process (`python -m bot.scheduler`).

Why its own process rather than inside the web app or the ingestion consumer: production
runs two or more web processes, and a job belongs to none of them; a slow SMTP server or a
long purge must never hold up a staff page or the inbox; and it starts, stops and logs on
its own (var/logs/scheduler.log). Correctness does not depend on there being exactly one:
every job claims its work atomically in the database (bot.desk.reminders), so two
schedulers, or a restart in the middle of a round, never do a thing twice.
"""
