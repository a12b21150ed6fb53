"""Keep derived state in step: every unit has its board; a member's status decides whether the user may log in."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import Member, UnitPage


@receiver(post_save, sender=UnitPage)
def unit_saved(sender, instance: UnitPage, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        from .services import ensure_board

        ensure_board(instance)


@receiver(pre_save, sender=Member)
def member_saving(sender, instance: Member, raw: bool = False, **kwargs) -> None:
    if not raw:
        from .roles import remember_tracked

        remember_tracked(instance)


@receiver(post_save, sender=Member)
def member_saved(sender, instance: Member, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    from .roles import log_tracked_changes, needs_sync, sync_role_groups

    # Every write path (admin form, create_member, import, services) goes through here: roles act at once.
    if needs_sync(instance, created):
        sync_role_groups(instance)
    log_tracked_changes(instance)
    # Django's session auth rejects inactive users on every request, so this ends cached sessions at once.
    user = instance.user
    active = instance.is_active_member or user.is_superuser
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
