import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

USERNAME = "editor"


class Command(BaseCommand):
    help = (
        "Make sure the demo editor exists in the 编辑 group and print its login. "
        "The password is generated once and kept in var/demo-editor-password."
    )

    def handle(self, *args, **options):
        password_file = Path(settings.BASE_DIR) / "var" / "demo-editor-password"
        password_file.parent.mkdir(parents=True, exist_ok=True)
        if password_file.exists():
            password = password_file.read_text().strip()
        else:
            password = secrets.token_urlsafe(12)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)

        user, created = get_user_model().objects.get_or_create(
            username=USERNAME, defaults={"is_staff": True, "first_name": "演示编辑"}
        )
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(Group.objects.get(name="编辑"))
        if not created and not user.check_password(password):
            # Someone changed it on purpose: keep theirs.
            password = "(changed since it was generated; unchanged by this command)"

        self.stdout.write(
            self.style.SUCCESS(
                "\nEditors' room: http://127.0.0.1:{port}/admin/\n"
                "  user:     {user}\n  password: {password}\n".format(
                    port=options.get("port") or "<PORT>", user=USERNAME, password=password
                )
            )
        )

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000", help="Port shown in the printed address.")
