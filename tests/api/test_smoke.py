def test_me_lists_unit_chain_and_layers(tree, as_member):
    reply = as_member("cuv.x1").get("/api/me")
    assert reply.status_code == 200, reply.content
    data = reply.json()
    assert [u["code"] for u in data["units"]] == ["tn", "dt", "hs", "x1"]
    assert "u/tn/dt/hs/x1/committee" in data["layers"]
