def test_tree_fixture_builds_every_unit_with_a_board(tree):
    from django.contrib.auth.models import Group

    assert tree["x1"].code_path == "tn/dt/hs/x1"
    assert Group.objects.filter(name__startswith="Ban Biên tập").count() == len(tree.units)
