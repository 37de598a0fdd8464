"""A real Dovecot IMAP server for the tests: a self-contained configuration in a
temporary directory, listening on loopback, with a fresh account for each test.

Every account has a password (PLAIN/LOGIN) and a separate OAuth2 access token
(XOAUTH2). Dovecot 2.3's XOAUTH2 mechanism hands the bearer token to the passdb
as if it were a password, so a passwd-file passdb limited to `mechanisms =
xoauth2` acts as a token server that knows exactly one token per account.
"""
import grp
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from imapclient import IMAPClient
from imapclient.exceptions import LoginError

DOVECOT = "/usr/sbin/dovecot"
START_TIMEOUT = 15.0
# Accounts are written in batches, because each new batch costs up to a second's wait.
ACCOUNTS_PER_BATCH = 32

# imap_capability for a server started with move=False: Dovecot's list without MOVE,
# so the poller must fall back to COPY, \Deleted and UID EXPUNGE. (A userdb field
# cannot override imap_capability, so this takes a server of its own.)
CAPABILITIES_WITHOUT_MOVE = ("IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ NAMESPACE "
                             "UIDPLUS UNSELECT CHILDREN LIST-EXTENDED ESEARCH SEARCHRES")


class DovecotFailed(AssertionError):
    """Dovecot did not start; the message carries its log."""


@dataclass
class ImapAccount:
    """One mailbox on the test server, with the ways to reach it."""

    host: str
    port: int
    username: str
    password: str
    token: str

    def settings(self) -> dict:
        """Return the MATCHER_IMAP_* configuration for logging in with the password."""
        return {
            "MATCHER_IMAP_HOST": self.host, "MATCHER_IMAP_PORT": self.port, "MATCHER_IMAP_SSL": False,
            "MATCHER_IMAP_STARTTLS": False, "MATCHER_IMAP_USERNAME": self.username,
            "MATCHER_IMAP_PASSWORD": self.password, "MATCHER_IMAP_TIMEOUT": 10,
        }

    def connect(self) -> IMAPClient:
        """Open a logged-in connection, as a person looking at the mailbox would."""
        client = IMAPClient(self.host, self.port, ssl=False, timeout=10)
        client.login(self.username, self.password)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put one message in a folder with IMAP APPEND."""
        with self.connect() as client:
            client.append(folder, raw)

    def messages(self, folder: str = "INBOX") -> list[bytes]:
        """Return the raw messages in a folder, oldest first, even those marked deleted."""
        with self.connect() as client:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            uids = sorted(client.search("ALL"))
            fetched = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
            return [fetched[uid][b"BODY[]"] for uid in uids]

    def folders(self) -> list[str]:
        """Return the names of every folder in the mailbox."""
        with self.connect() as client:
            return sorted(name for _flags, _delimiter, name in client.list_folders())


@dataclass
class Dovecot:
    """A running Dovecot master process and the directory that holds all its state."""

    root: Path
    move: bool = True
    host: str = "127.0.0.1"
    port: int = 0
    process: subprocess.Popen | None = None
    accounts: int = 0
    unused: list[ImapAccount] = field(default_factory=list)

    def start(self) -> None:
        """Write the configuration and start Dovecot; raise DovecotFailed with its log if it won't."""
        for _attempt in range(3):
            self.port = _free_port()
            _write_config(self.root, self.host, self.port, self.move)
            with open(self.root / "console.log", "ab") as console:
                self.process = subprocess.Popen(
                    [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")],
                    stdout=console, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                )
            if self._wait_until_ready():
                return
            self.stop()
            # Another process may have taken the free port between probing and binding.
            if "Address already in use" not in self.log():
                break
        raise DovecotFailed(f"Dovecot did not start on {self.host}:{self.port}.\n{self.log()}")

    def stop(self) -> None:
        """Stop the master process (it stops its children)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log(self) -> str:
        """Return Dovecot's log and console output so far."""
        parts = []
        for name in ("dovecot.log", "console.log"):
            path = self.root / name
            if path.exists():
                parts.append(f"--- {name} ---\n{path.read_text(errors='replace')}")
        return "\n".join(parts) or "(Dovecot wrote no log)"

    def add_account(self) -> ImapAccount:
        """Hand out a new, empty mailbox with its own password and token."""
        if not self.unused:
            self._create_accounts(ACCOUNTS_PER_BATCH)
        return self.unused.pop(0)

    def _create_accounts(self, count: int) -> None:
        owner = _mail_owner()
        for _ in range(count):
            self.accounts += 1
            username = f"relay{self.accounts}"
            account = ImapAccount(self.host, self.port, username, secrets.token_urlsafe(12),
                                  secrets.token_urlsafe(24))
            home = self.root / "mail" / username
            _append(self.root / "passwords",
                    f"{username}:{{PLAIN}}{account.password}:{owner.pw_uid}:{owner.pw_gid}::{home}::")
            _append(self.root / "tokens", f"{username}:{{PLAIN}}{account.token}")
            self.unused.append(account)
        self._wait_until_known(self.unused[-1])

    def _wait_until_known(self, account: ImapAccount) -> None:
        # Dovecot looks at a changed passwd-file at most once a second.
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                account.connect().logout()
                return
            except LoginError:
                time.sleep(0.1)
        raise DovecotFailed(f"Dovecot never accepted the new account {account.username}.\n{self.log()}")

    def _wait_until_ready(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if _greets(self.host, self.port):
                return True
            time.sleep(0.05)
        return False


def start_dovecot(move: bool = True) -> Dovecot:
    """Start a Dovecot in a new temporary directory; without `move` it does not offer MOVE."""
    root = Path(tempfile.mkdtemp(prefix="matcher-dovecot-"))
    # The mail processes run as an unprivileged user, who must reach the mail folder.
    root.chmod(0o755)
    server = Dovecot(root, move)
    try:
        server.start()
    except BaseException:
        remove_dovecot(server)  # the log is in the exception already
        raise
    return server


def remove_dovecot(server: Dovecot) -> None:
    """Stop Dovecot and delete its directory."""
    server.stop()
    shutil.rmtree(server.root, ignore_errors=True)


def _mail_owner() -> pwd.struct_passwd:
    # Dovecot refuses mail access as uid 0 and login processes as root, so as root
    # the mail belongs to `nobody`; as anyone else, everything runs as that user.
    if os.geteuid() == 0:
        return pwd.getpwnam("nobody")
    return pwd.getpwuid(os.geteuid())


def _write_config(root: Path, host: str, port: int, move: bool) -> None:
    owner, me = _mail_owner(), pwd.getpwuid(os.geteuid())
    for folder in ("run", "state", "mail"):
        (root / folder).mkdir(exist_ok=True)
    os.chown(root / "mail", owner.pw_uid, owner.pw_gid)
    for name in ("passwords", "tokens"):
        (root / name).touch()
    capabilities = "" if move else f"imap_capability = {CAPABILITIES_WITHOUT_MOVE}\n"
    (root / "dovecot.conf").write_text(f"""\
# Written by tests/mailrelay/dovecot.py for Dovecot 2.3; nothing outside {root} is read or written.
listen = {host}
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login xoauth2
auth_failure_delay = 0
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
default_internal_user = {me.pw_name}
default_internal_group = {grp.getgrgid(me.pw_gid).gr_name}
default_login_user = {owner.pw_name}
first_valid_uid = {min(owner.pw_uid, me.pw_uid) or 1}
mail_location = maildir:{root}/mail/%u
{capabilities}passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/passwords
  mechanisms = plain login
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/tokens
  mechanisms = xoauth2
}}
userdb {{
  driver = passwd-file
  args = {root}/passwords
}}
# No auth penalty: a test of a refused login must not slow every later login from loopback.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = {host}
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
""")


def _append(path: Path, line: str) -> None:
    with path.open("a") as lines:
        lines.write(line + "\n")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _greets(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as connection:
            return connection.recv(64).startswith(b"* OK")
    except OSError:
        return False
