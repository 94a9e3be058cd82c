"""A real SMTP server for the suite (aiosmtpd), which keeps what it receives.

    with SmtpServer() as smtp:
        ... settings.EMAIL_PORT = smtp.port ...
        smtp.messages  # email.message.EmailMessage objects, in order

`stop()` and `start()` take it down and bring it back on the same port, for
the outage tests.
"""

import email
import email.policy
import threading

from aiosmtpd.controller import Controller

from tools.servers import free_port


class _Keep:
    def __init__(self, server):
        self.server = server

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.server.lock:
            self.server.received.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.received = []
        self.lock = threading.Lock()
        self.controller = None

    def start(self):
        self.controller = Controller(_Keep(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        with self.lock:
            return [message for _, message in self.received]

    def django_settings(self, settings):
        """Point Django's SMTP backend at this server (the `settings` fixture)."""
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = self.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 5

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
