"""Groups given by role are recorded, so a role change can take them away again.

Existing secretaries' "Bí thư các cấp" and (base, cell) board memberships were given by their role: they are recorded
as role grants. Committee members and deputies get the groups their role now calls for.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

BOARD = "Ban Biên tập — {title} [{code}]"


def record_role_grants(apps, schema_editor):
    Member = apps.get_model("org", "Member")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    RoleGrant = apps.get_model("org", "RoleGrant")
    access = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin").first()

    def admin_group(name):
        group, created = Group.objects.get_or_create(name=name)
        if created and access is not None:
            group.permissions.add(access)
        return group

    members = Member.objects.filter(role__in=("secretary", "deputy", "committee"),
                                    status__in=("official", "probationary")).select_related("unit", "user")
    for member in members:
        groups = [admin_group("Cấp ủy viên các cấp")] if member.role == "committee" else [admin_group("Bí thư các cấp")]
        if member.role != "committee" and member.unit.level in ("base", "cell"):
            board = Group.objects.filter(name=BOARD.format(title=member.unit.title, code=member.unit.code)).first()
            if board is not None:
                groups.append(board)
        for group in groups:
            member.user.groups.add(group)
            RoleGrant.objects.get_or_create(user=member.user, group=group)


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('wagtailadmin', '0001_create_admin_access_permissions'),
        ('org', '0003_member_record_and_deputy'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='RoleGrant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='auth.group')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='role_grants', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'nhóm theo vai trò',
                'verbose_name_plural': 'nhóm theo vai trò',
                'constraints': [models.UniqueConstraint(fields=('user', 'group'), name='role_grant_once_per_group')],
            },
        ),
        migrations.RunPython(record_role_grants, migrations.RunPython.noop),
    ]
