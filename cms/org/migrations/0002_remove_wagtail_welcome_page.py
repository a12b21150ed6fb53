"""Remove Wagtail's "Welcome to your new Wagtail site!" page: the province unit is the site root instead."""

from django.db import migrations


def remove_welcome_page(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    ContentType = apps.get_model("contenttypes", "ContentType")
    plain = ContentType.objects.filter(app_label="wagtailcore", model="page").first()
    for page in Page.objects.filter(depth=2, slug="home", content_type=plain, numchild=0):
        Site.objects.filter(root_page=page).delete()
        page.delete()
        root = Page.objects.get(depth=1)
        root.numchild = Page.objects.filter(depth=2, path__startswith=root.path).count()
        root.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(remove_welcome_page, migrations.RunPython.noop)]
