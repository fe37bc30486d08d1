import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

USERNAME = "editor"
#: The demo's people, one per role (docs/editors.md): username, group, first name.
DEMO_PEOPLE = (
    ("writer", "撰稿", "演示撰稿"),
    (USERNAME, "编辑", "演示编辑"),
    ("siteadmin", "管理员", "演示管理员"),
)


class Command(BaseCommand):
    help = (
        "Make sure the demo contributor (撰稿), editor (编辑) and site administrator (管理员) "
        "exist in their groups and print their logins. The password, the same for the "
        "three, is generated once and kept in var/demo-editor-password."
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

        lines = [f"\nEditors' room: http://127.0.0.1:{options.get('port') or '<PORT>'}/admin/"]
        for username, group, first_name in DEMO_PEOPLE:
            user, created = get_user_model().objects.get_or_create(
                username=username,
                defaults={
                    "is_staff": True,
                    "first_name": first_name,
                    "email": f"{username}@example.com",
                },
            )
            if created:
                user.set_password(password)
                user.save()
            user.groups.add(Group.objects.get(name=group))
            shown = password
            if not created and not user.check_password(password):
                # Someone changed it on purpose: keep theirs.
                shown = "(changed since it was generated; unchanged by this command)"
            lines.append(f"  {group:<4} user: {username:<10} password: {shown}")
        self.stdout.write(self.style.SUCCESS("\n".join(lines) + "\n"))

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000", help="Port shown in the printed address.")
