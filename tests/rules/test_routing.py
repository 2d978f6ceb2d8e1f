"""1xx rules: each fires on the right resource with the right severity, and stays silent on its near misses."""

from tests.support.inventory import (
    ACCOUNT,
    FLEX_CHAT,
    WORKSPACE,
    InventoryBuilder,
    assert_fires,
    assert_silent,
    hits,
    only,
    proxy_webhook,
    rule_ids,
    sid,
)

from flexaudit.model.inventory import PoolNumber


def healthy():
    b = InventoryBuilder()
    pn, fo, fw = b.sms_address("+15550100001")
    return b, pn, fo, fw


def test_healthy_account_only_gets_the_eol_finding():
    b, pn, fo, fw = healthy()
    b.whatsapp_address("+15550100002")
    assert rule_ids(b.evaluate()) == {"FLX301"}


# ---------------------------------------------------------------- FLX101


def test_flx101_blank_webhook():
    b, pn, fo, _ = healthy()
    pn.sms_url = None
    f = assert_fires(b.evaluate(), "FLX101", "phone_number", pn.sid, "high")
    assert "blank" in f.message and fo.sid in f.message
    assert proxy_webhook() in f.message  # says what it should be


def test_flx101_names_the_handler_instead():
    b, pn, fo, fw = healthy()
    other_ks = sid("KS", 0xBEEF)
    cases = {
        f"https://webhooks.twilio.com/v1/Accounts/{ACCOUNT}/Flows/{fw.sid}": f"Studio flow {fw.sid}",
        f"https://webhooks.twilio.com/v1/Accounts/{ACCOUNT}/Proxy/{other_ks}/Webhooks/Message": f"another Proxy service ({other_ks})",
        "https://acme-1234.twil.io/inbound?token=abc": "Twilio Function",
        "https://user:s3cret@crm.example.com/sms?key=zzz": "another application (https://crm.example.com/sms)",
    }
    for url, expected in cases.items():
        pn.sms_url = url
        f = only(b.evaluate(), "FLX101")
        assert expected in f.message, f.message
        assert "s3cret" not in f.message and "key=zzz" not in f.message and "token=abc" not in f.message


def test_flx101_webhook_case_and_trailing_slash_still_match():
    b, pn, _, _ = healthy()
    pn.sms_url = proxy_webhook().upper().replace("HTTPS", "https") + "/"
    assert_silent(b.evaluate(), "FLX101")


def test_flx101_identity_spelled_without_plus_or_with_punctuation_still_maps():
    b, pn, fo, _ = healthy()
    fo.contact_identity = "1 (555) 010-0001"
    assert_silent(b.evaluate(), "FLX104")
    pn.sms_url = ""
    assert_fires(b.evaluate(), "FLX101", "phone_number", pn.sid)


def test_flx101_whatsapp_identity_maps_the_number():
    b = InventoryBuilder()
    pn, fo, _ = b.whatsapp_address("+15550100002")
    pn.sms_url = "https://example.com/x"
    assert_fires(b.evaluate(), "FLX101", "phone_number", pn.sid, "high")


def test_flx101_disabled_flow_does_not_map():
    b, pn, fo, _ = healthy()
    fo.enabled = False
    pn.sms_url = None
    ev = b.evaluate()
    assert_silent(ev, "FLX101")
    assert_fires(ev, "FLX106", "flex_flow", fo.sid, "low")


def test_flx101_flex_proxy_identified_by_unique_name_when_no_chat_match():
    b, pn, _, _ = healthy()
    b.flex_proxy.chat_instance_sid = sid("IS", 0x99)
    assert_silent(b.evaluate(), "FLX101")


def test_flx101_ambiguous_flex_proxy_names_candidates_and_accepts_their_webhooks():
    b, pn, _, _ = healthy()
    b.flex_proxy.unique_name = None
    second = b.proxy(unique_name=None, chat_instance_sid=FLEX_CHAT)
    assert_silent(b.evaluate(), "FLX101")  # points at a candidate: not judged wrong
    pn.sms_url = "https://example.com/sms"
    f = only(b.evaluate(), "FLX101")
    assert "could not be identified" in f.message
    assert b.flex_proxy.sid in f.message and second.sid in f.message


def test_flx101_no_proxy_service_at_all():
    b, pn, _, _ = healthy()
    b.inv.proxy_services.clear()
    f = only(b.evaluate(), "FLX101")
    assert "no Proxy service" in f.message


# ---------------------------------------------------------------- FLX102


def test_flx102_twiml_app():
    b, pn, fo, _ = healthy()
    pn.sms_application_sid = sid("AP", 1)
    f = assert_fires(b.evaluate(), "FLX102", "phone_number", pn.sid, "high")
    assert sid("AP", 1) in f.message and fo.sid in f.message


def test_flx102_near_miss_blank_app_or_unmapped():
    b, pn, fo, _ = healthy()
    pn.sms_application_sid = ""
    assert_silent(b.evaluate(), "FLX102")
    other = b.number("+15550100009", sms_application_sid=sid("AP", 2))
    assert_silent(b.evaluate(), "FLX102", other.sid)


# ---------------------------------------------------------------- FLX103


def test_flx103_messaging_service_without_defer():
    b, pn, fo, _ = healthy()
    mg = b.messaging_service(pn, defer=False)
    f = assert_fires(b.evaluate(), "FLX103", "phone_number", pn.sid, "high")
    assert mg.sid in f.message and "example.com/inbound" in f.message


def test_flx103_defer_to_sender_is_fine():
    b, pn, _, _ = healthy()
    b.messaging_service(pn, defer=True)
    assert_silent(b.evaluate(), "FLX103")


def test_flx103_membership_found_by_normalized_number():
    b, pn, _, _ = healthy()
    mg = b.messaging_service(defer=False, inbound_url=None)
    mg.phone_numbers.append(PoolNumber(sid=sid("PN", 0xDEAD), phone_number="+1 555.010.0001"))
    f = assert_fires(b.evaluate(), "FLX103", "phone_number", pn.sid)
    assert "not received" in f.message


# ---------------------------------------------------------------- FLX104


def test_flx104_identity_matches_no_number():
    b, pn, fo, _ = healthy()
    fo.contact_identity = "+15559999999"
    f = assert_fires(b.evaluate(), "FLX104", "flex_flow", fo.sid, "medium")
    assert "+15559999999" in f.message


def test_flx104_empty_identity():
    b, pn, fo, _ = healthy()
    fo.contact_identity = None
    assert "no contact identity" in assert_fires(b.evaluate(), "FLX104", "flex_flow", fo.sid).message


def test_flx104_near_misses():
    b, pn, fo, _ = healthy()
    fo.contact_identity = "15550100001"  # no +: still the number
    web = b.flow(None, channel="web")
    off = b.flow("+15558888888", enabled=False)
    ev = b.evaluate()
    assert_silent(ev, "FLX104")


# ---------------------------------------------------------------- FLX105


def test_flx105_two_enabled_flows_share_identity():
    b, pn, fo, fw = healthy()
    twin = b.flow("1-555-010-0001", integration={"flow_sid": fw.sid})
    ev = b.evaluate()
    assert_fires(ev, "FLX105", "flex_flow", fo.sid, "high")
    f = assert_fires(ev, "FLX105", "flex_flow", twin.sid, "high")
    assert fo.sid in f.message
    assert len(hits(ev, "FLX105")) == 2


def test_flx105_extra_disabled_flow_or_other_channel_is_fine():
    b, pn, fo, fw = healthy()
    b.task_flow("+15550100001", enabled=False)
    b.flow("whatsapp:+15550100001", channel="whatsapp", integration={"flow_sid": fw.sid})
    assert_silent(b.evaluate(), "FLX105")


# ---------------------------------------------------------------- FLX106


def test_flx106_disabled_flow_gets_only_flx106_and_what_still_applies():
    b, pn, fo, fw = healthy()
    fo.enabled = False
    fo.contact_identity = "+15557777777"  # no number
    fo.chat_service_sid = sid("IS", 0x77)  # not the Flex chat service
    fo.janitor_enabled = False
    fo.integration = {"flow_sid": sid("FW", 0x404)}  # no such Studio flow
    ev = b.evaluate()
    assert {f.rule_id for f in ev.findings if f.resource_sid == fo.sid} == {"FLX106", "FLX301"}
    assert_fires(ev, "FLX106", "flex_flow", fo.sid, "low")
    # the number it left behind is still wired to Proxy with no enabled flow: that is the number's finding
    assert rule_ids(ev) == {"FLX106", "FLX301", "FLX108"}
    assert_fires(ev, "FLX108", "phone_number", pn.sid)


def test_flx106_enabled_or_unknown_is_silent():
    b, pn, fo, _ = healthy()
    assert_silent(b.evaluate(), "FLX106")
    fo.enabled = None
    assert_silent(b.evaluate(), "FLX106")


def test_flx106_near_miss_a_disabled_task_flow_is_the_outbound_only_pattern():
    b, pn, fo, _ = healthy()
    outbound = b.task_flow("+15550100001", enabled=False)
    ev = b.evaluate()
    assert_silent(ev, "FLX106", outbound.sid)
    assert_fires(ev, "FLX403", "flex_flow", outbound.sid)  # still a legacy address to retire


# ---------------------------------------------------------------- FLX107


def test_flx107_sms_flow_on_number_without_sms():
    b, pn, fo, _ = healthy()
    pn.capabilities = {"voice": True, "sms": False}
    f = assert_fires(b.evaluate(), "FLX107", "phone_number", pn.sid, "medium")
    assert fo.sid in f.message


def test_flx107_near_misses():
    b, pn, fo, _ = healthy()
    pn.capabilities = None  # unknown: not judged
    assert_silent(b.evaluate(), "FLX107")
    b2 = InventoryBuilder()
    wpn, _, _ = b2.whatsapp_address()
    wpn.capabilities = {"voice": True, "sms": False}  # whatsapp flow: not an sms flow
    assert_silent(b2.evaluate(), "FLX107")


# ---------------------------------------------------------------- FLX108


def test_flx108_proxy_wired_number_without_flow():
    b, _, _, _ = healthy()
    stray = b.number("+15550100005")
    f = assert_fires(b.evaluate(), "FLX108", "phone_number", stray.sid, "medium")
    assert "45205" in f.message


def test_flx108_only_disabled_flow():
    b, pn, fo, _ = healthy()
    fo.enabled = False
    f = assert_fires(b.evaluate(), "FLX108", "phone_number", pn.sid)
    assert fo.sid in f.message


def test_flx108_near_misses():
    b, pn, fo, _ = healthy()
    b.number("+15550100006", sms_url=proxy_webhook(sid("KS", 0xF00)))  # another proxy's webhook
    b.number("+15550100007", sms_url=None)
    assert_silent(b.evaluate(), "FLX108")


# ---------------------------------------------------------------- FLX109


def test_flx109_other_chat_service():
    b, pn, fo, _ = healthy()
    fo.chat_service_sid = sid("IS", 0x55)
    f = assert_fires(b.evaluate(), "FLX109", "flex_flow", fo.sid, "medium")
    assert FLEX_CHAT in f.message


def test_flx109_near_miss_and_unknown_flex_chat_service():
    b, pn, fo, _ = healthy()
    assert_silent(b.evaluate(), "FLX109")
    fo.chat_service_sid = sid("IS", 0x55)
    b.inv.flex_configuration.chat_service_instance_sid = None
    assert_silent(b.evaluate(), "FLX109")


# ---------------------------------------------------------------- FLX110


def test_flx110_external_without_url_or_https():
    b = InventoryBuilder()
    none = b.external_flow(None, url=None, channel="custom")
    http = b.external_flow("custom", url="http://example.com/flex?secret=1", channel="custom")
    ev = b.evaluate()
    assert_fires(ev, "FLX110", "flex_flow", none.sid, "medium")
    f = assert_fires(ev, "FLX110", "flex_flow", http.sid, "medium")
    assert "secret" not in f.message


def test_flx110_https_is_fine():
    b = InventoryBuilder()
    b.external_flow("custom", url="HTTPS://example.com/flex", channel="custom")
    assert_silent(b.evaluate(), "FLX110")


# ---------------------------------------------------------------- FLX111


def test_flx111_task_integration_problems():
    b = InventoryBuilder()
    b.number("+15550100001")
    missing = b.task_flow("+15550100001", integration={"workspace_sid": WORKSPACE})
    wrong = b.task_flow("+15550100001", integration={"workspace_sid": WORKSPACE, "workflow_sid": sid("WW", 0x42)})
    nows = b.task_flow("+15550100001", integration={"workspace_sid": sid("WS", 0x42), "workflow_sid": sid("WW", 0x42)})
    ev = b.evaluate()
    assert "workflow_sid" in assert_fires(ev, "FLX111", "flex_flow", missing.sid, "high").message
    assert "does not exist in TaskRouter workspace" in assert_fires(ev, "FLX111", "flex_flow", wrong.sid).message
    assert "workspace" in assert_fires(ev, "FLX111", "flex_flow", nows.sid).message


def test_flx111_valid_task_integration_and_disabled_are_silent():
    b = InventoryBuilder()
    b.number("+15550100001")
    b.task_flow("+15550100001")
    b.task_flow("+15550100001", enabled=False, integration=None)
    assert_silent(b.evaluate(), "FLX111")


# ---------------------------------------------------------------- FLX112


def test_flx112_sms_number_not_in_flex_proxy_pool():
    b = InventoryBuilder()
    pn = b.number("+15550100001", in_pool=False)
    fw = b.studio()
    b.flow("+15550100001", integration={"flow_sid": fw.sid})
    f = assert_fires(b.evaluate(), "FLX112", "phone_number", pn.sid, "high")
    assert b.flex_proxy.sid in f.message


def test_flx112_in_another_proxy_pool_is_not_enough():
    b, pn, _, _ = healthy()
    b.flex_proxy.phone_numbers.clear()
    other = b.proxy("Other")
    other.phone_numbers.append(PoolNumber(sid=pn.sid, phone_number=pn.phone_number))
    assert_fires(b.evaluate(), "FLX112", "phone_number", pn.sid)


def test_flx112_near_misses():
    b, pn, _, _ = healthy()
    # pool membership found by normalized number even with another entry sid
    b.flex_proxy.phone_numbers[:] = [PoolNumber(sid=sid("PN", 0xAB), phone_number="(555) 010-0001".replace("(", "+1("))]
    assert_silent(b.evaluate(), "FLX112")
    b2 = InventoryBuilder()
    b2.whatsapp_address()  # whatsapp numbers are not checked against the pool
    assert_silent(b2.evaluate(), "FLX112")


# ---------------------------------------------------------------- FLX113


def test_flx113_whatsapp_identity_without_prefix():
    b = InventoryBuilder()
    pn, fo, _ = b.whatsapp_address("+15550100002")
    fo.contact_identity = "+15550100002"
    ev = b.evaluate()
    f = assert_fires(ev, "FLX113", "flex_flow", fo.sid, "medium")
    assert "whatsapp:" in f.message
    assert_silent(ev, "FLX104")  # it still names an existing number


def test_flx113_prefixed_identity_is_fine():
    b = InventoryBuilder()
    b.whatsapp_address("+15550100002")
    assert_silent(b.evaluate(), "FLX113")
