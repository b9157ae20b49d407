"""A real SMTP server on 127.0.0.1 for the e-mail tests (aiosmtpd).

Usage: smtp_server.py PORT OUTPUT_DIR [--password PASSWORD] [--cert CERT KEY]
                      [--implicit-tls]

Every accepted message is written to OUTPUT_DIR as message-N.eml, with
message-N.json naming its recipients and message-N-<file name> holding each
attachment decoded. Recipients whose address contains "refused" get the
reply 550. With --password, AUTH is required and only user "sender" with
that password passes. With --cert, STARTTLS is offered and required, or,
with --implicit-tls as well, the connection is TLS from the first byte.
Prints "ready" once listening; stops when standard input closes.
"""

import argparse
import email
import email.policy
import json
import pathlib
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, output):
        self.output = output
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "refused" in address:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = self.output / f"message-{self.count}"
        content = envelope.original_content or envelope.content
        stem.with_suffix(".eml").write_bytes(content)
        stem.with_suffix(".json").write_text(json.dumps({"recipients": envelope.rcpt_tos}))
        message = email.message_from_bytes(content, policy=email.policy.default)
        for part in message.iter_attachments():
            name = part.get_filename()
            (self.output / f"message-{self.count}-{name}").write_bytes(part.get_payload(decode=True))
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("output")
    parser.add_argument("--password")
    parser.add_argument("--cert", nargs=2)
    parser.add_argument("--implicit-tls", action="store_true")
    arguments = parser.parse_args()

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == b"sender"
            and auth_data.password == arguments.password.encode()
        )
        # handled=False makes aiosmtpd reply 535 itself on failure.
        return AuthResult(success=ok, handled=False)

    options = {}
    if arguments.password:
        options.update(authenticator=authenticate, auth_required=True, auth_require_tls=False)
    controller_options = {}
    if arguments.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*arguments.cert)
        if arguments.implicit_tls:
            controller_options["ssl_context"] = context
        else:
            options.update(tls_context=context, require_starttls=True)
    controller = Controller(
        Handler(pathlib.Path(arguments.output)),
        hostname="127.0.0.1",
        port=arguments.port,
        **options,
        **controller_options,
    )
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()
    controller.stop()


if __name__ == "__main__":
    main()
