package web

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"

	"haven/portal/account"
	"haven/push"
)

const androidChrome = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"

type devicesResponse struct {
	Devices []push.Device `json:"devices"`
}

func TestPushRoutesWithoutAPushServiceAre503(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createUser(account.RolePatient, "pat@example.org", "Pat")
	c := h.client()
	c.signIn("pat@example.org")
	for _, r := range []response{
		c.do("GET", "/api/push/key", nil),
		c.do("GET", "/api/push/subscriptions", nil),
		c.do("POST", "/api/push/subscriptions", browserSubscription(t, "a")),
		c.do("DELETE", "/api/push/subscriptions/1", nil),
		c.do("GET", "/api/push/preferences", nil),
		c.do("PUT", "/api/push/preferences", map[string]any{"opt_out": []string{}}),
	} {
		if e := r.want(t, 503).errorOf(t); e.Code != "unavailable" || !strings.Contains(e.Message, "not available") {
			t.Fatalf("error %+v, want unavailable saying notifications are not available", e)
		}
	}
	h.client().do("GET", "/api/push/key", nil).want(t, 401)
}

func TestPushKeyIsTheVAPIDPublicKey(t *testing.T) {
	t.Parallel()
	h, svc := newPushHarness(t)
	h.createUser(account.RolePatient, "pat@example.org", "Pat")
	h.client().do("GET", "/api/push/key", nil).want(t, 401)
	c := h.client()
	c.signIn("pat@example.org")
	var got struct {
		Key string `json:"key"`
	}
	c.do("GET", "/api/push/key", nil).want(t, 200).decode(t, &got)
	raw, err := base64.RawURLEncoding.DecodeString(got.Key)
	if got.Key != svc.PublicKey() || err != nil || len(raw) != 65 || raw[0] != 4 {
		t.Fatalf("key %q (%d bytes, %v), want the service's uncompressed P-256 key %q", got.Key, len(raw), err, svc.PublicKey())
	}
}

func TestPushDevicesBelongToTheirUser(t *testing.T) {
	t.Parallel()
	h, _ := newPushHarness(t)
	h.createUser(account.RolePatient, "pat@example.org", "Pat")
	h.createUser(account.RolePatient, "sam@example.org", "Sam")
	pat, sam := h.client(), h.client()
	pat.signIn("pat@example.org")
	sam.signIn("sam@example.org")

	phone := browserSubscription(t, "phone")
	var first, again, laptop push.Device
	r := pat.do("POST", "/api/push/subscriptions", phone, "User-Agent", androidChrome).want(t, 200)
	r.decode(t, &first)
	if first.ID <= 0 || first.Label != "Chrome on Android" || first.CreatedAt.IsZero() {
		t.Fatalf("device %+v, want an id and the label Chrome on Android", first)
	}
	if strings.Contains(string(r.body), "fcm.googleapis.com") {
		t.Fatalf("the endpoint was shown: %s", r.body)
	}
	// A re-sync of the same endpoint is the same device.
	pat.do("POST", "/api/push/subscriptions", phone, "User-Agent", androidChrome).want(t, 200).decode(t, &again)
	if again.ID != first.ID {
		t.Fatalf("re-sync made device %d, want %d", again.ID, first.ID)
	}
	other := copyWith(browserSubscription(t, "laptop"), "label", "Work laptop")
	pat.do("POST", "/api/push/subscriptions", other).want(t, 200).decode(t, &laptop)
	if laptop.Label != "Work laptop" {
		t.Fatalf("label %q, want the one given", laptop.Label)
	}

	list := pat.do("GET", "/api/push/subscriptions", nil).want(t, 200)
	var mine devicesResponse
	list.decode(t, &mine)
	if len(mine.Devices) != 2 || strings.Contains(string(list.body), "fcm.googleapis.com") || strings.Contains(string(list.body), "p256dh") {
		t.Fatalf("devices %s, want two without endpoints or keys", list.body)
	}
	var none devicesResponse
	sam.do("GET", "/api/push/subscriptions", nil).want(t, 200).decode(t, &none)
	if none.Devices == nil || len(none.Devices) != 0 {
		t.Fatalf("another user sees %+v, want an empty list", none.Devices)
	}

	path := "/api/push/subscriptions/" + strconv.FormatInt(first.ID, 10)
	if e := sam.do("DELETE", path, nil).want(t, 404).errorOf(t); e.Code != "not_found" {
		t.Fatalf("deleting another user's device: %+v", e)
	}
	pat.do("GET", "/api/push/subscriptions", nil).want(t, 200).decode(t, &mine)
	if len(mine.Devices) != 2 {
		t.Fatalf("after another user's delete, %d devices, want 2", len(mine.Devices))
	}
	pat.do("DELETE", path, nil).want(t, 204)
	pat.do("DELETE", path, nil).want(t, 404)
	pat.do("GET", "/api/push/subscriptions", nil).want(t, 200).decode(t, &mine)
	if len(mine.Devices) != 1 || mine.Devices[0].ID != laptop.ID {
		t.Fatalf("devices %+v, want only the laptop", mine.Devices)
	}
}

func TestPushRefusesUnknownPushServicesAndBadKeys(t *testing.T) {
	t.Parallel()
	h, svc := newPushHarness(t)
	pat := h.createUser(account.RolePatient, "pat@example.org", "Pat")
	c := h.client()
	c.signIn("pat@example.org")
	good := browserSubscription(t, "x")
	keys := good["keys"].(map[string]any)
	for _, tc := range []struct {
		name string
		body map[string]any
		msg  string
	}{
		{"another host", copyWith(good, "endpoint", "https://push.evil.example/send/x"), "unknown push service"},
		{"plain http", copyWith(good, "endpoint", "http://fcm.googleapis.com/fcm/send/x"), "unknown push service"},
		{"internal address", copyWith(good, "endpoint", "https://127.0.0.1/fcm/send/x"), "unknown push service"},
		{"another port", copyWith(good, "endpoint", "https://fcm.googleapis.com:8443/x"), "unknown push service"},
		{"no endpoint", copyWith(good, "endpoint", ""), "unknown push service"},
		{"huge endpoint", copyWith(good, "endpoint", "https://fcm.googleapis.com/"+strings.Repeat("a", 3000)), "unknown push service"},
		{"short auth", copyWith(good, "keys", copyWith(keys, "auth", "AAAA")), "invalid push subscription keys"},
		{"bad point", copyWith(good, "keys", copyWith(keys, "p256dh", base64.RawURLEncoding.EncodeToString(make([]byte, 65)))), "invalid push subscription keys"},
		{"no keys", copyWith(good, "keys", map[string]any{}), "invalid push subscription keys"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := c.do("POST", "/api/push/subscriptions", tc.body).want(t, 400).errorOf(t)
			if e.Code != "invalid" || e.Message != tc.msg {
				t.Fatalf("error %+v, want invalid %q", e, tc.msg)
			}
		})
	}
	if d, err := svc.Devices(context.Background(), pat.ID); err != nil || len(d) != 0 {
		t.Fatalf("devices %+v %v after refusals, want none", d, err)
	}
}

func TestPushBadInputIsNever500(t *testing.T) {
	t.Parallel()
	h, _ := newPushHarness(t)
	h.createUser(account.RolePatient, "pat@example.org", "Pat")
	c := h.client()
	c.signIn("pat@example.org")
	big := `{"endpoint": "` + strings.Repeat("a", pushBodyLimit) + `"}`
	for _, ep := range []struct {
		method, path string
		valid        map[string]any
	}{
		{"POST", "/api/push/subscriptions", browserSubscription(t, "x")},
		{"PUT", "/api/push/preferences", map[string]any{"quiet_start": "22:00", "quiet_end": "07:00", "zone": "Europe/Berlin", "opt_out": []string{"medication"}}},
	} {
		t.Run(ep.method+" "+ep.path, func(t *testing.T) {
			check := func(name string, r response, status int, msg string) {
				t.Helper()
				if r.status != status {
					t.Fatalf("%s: status %d, want %d; body %s", name, r.status, status, r.body)
				}
				if e := r.errorOf(t); !strings.Contains(e.Message, msg) {
					t.Fatalf("%s: message %q, want it to contain %q", name, e.Message, msg)
				}
			}
			check("malformed", c.do(ep.method, ep.path, `{"endpoint": "a",`), 400, "Malformed JSON")
			check("unknown field", c.do(ep.method, ep.path, `{"x": 1}`), 400, `unknown field "x"`)
			check("two objects", c.do(ep.method, ep.path, `{} {}`), 400, "single JSON object")
			check("array", c.do(ep.method, ep.path, `[]`), 400, "must be a JSON object")
			check("empty", c.do(ep.method, ep.path, ` `), 400, "empty")
			check("content type", c.do(ep.method, ep.path, `{}`, "Content-Type", "text/plain"), 415, "application/json")
			check("oversized", c.do(ep.method, ep.path, big), 413, "larger than the limit of 8 KiB")
			for field, v := range ep.valid {
				check("wrong type of "+field, c.do(ep.method, ep.path, copyWith(ep.valid, field, wrongType(v))), 400, "must be")
				if _, ok := v.(string); ok {
					check("NUL in "+field, c.do(ep.method, ep.path, copyWith(ep.valid, field, "a\x00b")), 400, "not allowed")
				}
				for _, meta := range sqlMeta {
					if r := c.do(ep.method, ep.path, copyWith(ep.valid, field, meta)); r.status >= 500 {
						t.Fatalf("%s=%q: %d %s", field, meta, r.status, r.body)
					}
				}
			}
		})
	}
	t.Run("nested unknown field", func(t *testing.T) {
		sub := browserSubscription(t, "x")
		sub["keys"].(map[string]any)["extra"] = "1"
		if r := c.do("POST", "/api/push/subscriptions", sub); r.status != 400 {
			t.Fatalf("status %d, want 400; body %s", r.status, r.body)
		}
	})
	t.Run("delete", func(t *testing.T) {
		for _, id := range []string{"abc", "0", "-1", "99999999999999999999"} {
			if e := c.do("DELETE", "/api/push/subscriptions/"+id, nil).want(t, 400).errorOf(t); e.Code != "invalid" {
				t.Fatalf("id %q: %+v", id, e)
			}
		}
		c.do("DELETE", "/api/push/subscriptions/12345", `{"x": 1}`).want(t, 400)
		c.do("DELETE", "/api/push/subscriptions/12345", nil).want(t, 404)
	})
}

func TestPushPreferencesRoundTrip(t *testing.T) {
	t.Parallel()
	h, _ := newPushHarness(t)
	h.createUser(account.RolePatient, "pat@example.org", "Pat")
	h.createUser(account.RoleCounselor, "casey@clinic.example", "Casey")
	c := h.client()
	c.signIn("pat@example.org")

	var got preferencesResponse
	c.do("GET", "/api/push/preferences", nil).want(t, 200).decode(t, &got)
	if got.QuietStart != "" || got.QuietEnd != "" || got.OptOut == nil || len(got.OptOut) != 0 {
		t.Fatalf("defaults %+v, want no quiet hours and an empty opt-out list", got)
	}
	if len(got.Kinds) != 4 || got.Kinds[0].Kind != push.KindMessage {
		t.Fatalf("patient kinds %+v, want message, appointment, medication, questionnaire", got.Kinds)
	}
	for _, k := range got.Kinds {
		if k.AlwaysOn || k.Kind == push.KindCrisisAlert {
			t.Fatalf("patient kinds %+v: none is always on, and crisis alerts are for counselors", got.Kinds)
		}
	}

	want := preferencesBody{QuietStart: "22:00", QuietEnd: "07:30", Zone: "Europe/Berlin", OptOut: []push.Kind{push.KindMedication, push.KindQuestionnaire}}
	c.do("PUT", "/api/push/preferences", want).want(t, 200).decode(t, &got)
	if !samePrefs(got.preferencesBody, want) {
		t.Fatalf("PUT answered %+v, want %+v", got.preferencesBody, want)
	}
	got = preferencesResponse{}
	c.do("GET", "/api/push/preferences", nil).want(t, 200).decode(t, &got)
	if !samePrefs(got.preferencesBody, want) {
		t.Fatalf("GET answered %+v, want %+v", got.preferencesBody, want)
	}

	for _, tc := range []struct {
		name string
		body preferencesBody
		msg  string
	}{
		{"bad time", preferencesBody{QuietStart: "25:00", QuietEnd: "07:00", Zone: "Europe/Berlin"}, "HH:MM"},
		{"only a start", preferencesBody{QuietStart: "22:00", Zone: "Europe/Berlin"}, "HH:MM"},
		{"start is end", preferencesBody{QuietStart: "22:00", QuietEnd: "22:00", Zone: "Europe/Berlin"}, "quiet hours need"},
		{"no zone", preferencesBody{QuietStart: "22:00", QuietEnd: "07:00"}, "quiet hours need"},
		{"unknown zone", preferencesBody{QuietStart: "22:00", QuietEnd: "07:00", Zone: "Mars/Olympus_Mons"}, "unknown time zone"},
		{"unknown kind", preferencesBody{OptOut: []push.Kind{"gossip"}}, "unknown notification kind"},
		{"crisis alerts", preferencesBody{OptOut: []push.Kind{push.KindCrisisAlert}}, "crisis alerts cannot be turned off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := c.do("PUT", "/api/push/preferences", tc.body).want(t, 400).errorOf(t)
			if !strings.Contains(e.Message, tc.msg) {
				t.Fatalf("message %q, want it to contain %q", e.Message, tc.msg)
			}
		})
	}
	got = preferencesResponse{}
	c.do("GET", "/api/push/preferences", nil).want(t, 200).decode(t, &got)
	if !samePrefs(got.preferencesBody, want) {
		t.Fatalf("after refused changes %+v, want %+v unchanged", got.preferencesBody, want)
	}

	// Clearing quiet hours and opt-outs.
	cleared := preferencesBody{Zone: "Europe/Berlin", OptOut: []push.Kind{}}
	c.do("PUT", "/api/push/preferences", cleared).want(t, 200).decode(t, &got)
	if !samePrefs(got.preferencesBody, cleared) {
		t.Fatalf("cleared to %+v, want %+v", got.preferencesBody, cleared)
	}

	// A counselor is shown crisis alerts as always on.
	cc := h.client()
	cc.staff("casey@clinic.example")
	cc.do("GET", "/api/push/preferences", nil).want(t, 200).decode(t, &got)
	if len(got.Kinds) == 0 || got.Kinds[0] != (kindChoice{Kind: push.KindCrisisAlert, AlwaysOn: true}) {
		t.Fatalf("counselor kinds %+v, want crisis alerts first and always on", got.Kinds)
	}
	if e := cc.do("PUT", "/api/push/preferences", preferencesBody{OptOut: []push.Kind{push.KindCrisisAlert}}).want(t, 400).errorOf(t); !strings.Contains(e.Message, "cannot be turned off") {
		t.Fatalf("counselor turning crisis alerts off: %+v", e)
	}
}

func samePrefs(a, b preferencesBody) bool {
	if a.QuietStart != b.QuietStart || a.QuietEnd != b.QuietEnd || a.Zone != b.Zone || len(a.OptOut) != len(b.OptOut) {
		return false
	}
	for i := range a.OptOut {
		if a.OptOut[i] != b.OptOut[i] {
			return false
		}
	}
	return true
}
