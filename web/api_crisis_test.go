package web

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"

	"haven/crisis"
	"haven/portal/account"
	"haven/portal/records"
)

// The crisis API tests share a few environments, each run as ordered
// steps: accounts are costly to make (argon2id), and the steps build on
// each other as a real crisis does.

func TestCrisisRoutesWithoutACrisisServiceAre503(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.createUser(account.RolePatient, "pat@example.org", "Pat Lee")
	p := h.client()
	p.signIn("pat@example.org")
	for _, path := range []string{"/api/crisis", "/api/crisis/location"} {
		r := p.do("POST", path, map[string]any{})
		if r.status != 503 || !strings.Contains(r.errorOf(t).Message, "Call or text 988") {
			t.Fatalf("POST %s: %d %s", path, r.status, r.body)
		}
	}
	if r := p.do("GET", "/api/crisis/mine", nil); r.status != 503 {
		t.Fatalf("GET mine: %d %s", r.status, r.body)
	}
	if r := p.do("GET", "/api/crisis/safety-plan", nil); r.status != 503 {
		t.Fatalf("GET safety plan: %d %s", r.status, r.body)
	}
	// The crisis page itself is served, with the default emergency number.
	if r := p.do("GET", "/crisis", nil); r.status != 200 || !strings.Contains(string(r.body), `href="tel:911"`) {
		t.Fatalf("GET /crisis: %d", r.status)
	}
}

// TestCrisisForThePatient: the crisis button, the request's state, the
// patient's own safety plan, and location sharing.
func TestCrisisForThePatient(t *testing.T) {
	t.Parallel()
	e := newCrisisEnv(t)
	pat := e.createUser(account.RolePatient, "pat@example.org", "Pat Lee")
	p := e.client()
	p.signIn("pat@example.org")
	cc, casey := e.counselor("casey@clinic.example", "Casey Counselor")
	mine := func(c *client, id int64) (st crisisRequest) {
		t.Helper()
		c.do("GET", "/api/crisis/mine?id="+strconv.FormatInt(id, 10), nil).want(t, 200).decode(t, &st)
		return st
	}

	t.Run("the safety plan is the patient's own", func(t *testing.T) {
		var plan crisisPlan
		p.do("GET", "/api/crisis/safety-plan", nil).want(t, 200).decode(t, &plan)
		if plan.Version != 0 || plan.Lifeline.Phone != "988" {
			t.Fatalf("no plan yet: %+v", plan)
		}
		self := account.Actor{UserID: pat.ID, Role: account.RolePatient}
		if _, err := e.recs.SaveSafetyPlan(context.Background(), self, pat.ID, 0, records.SafetyPlan{ReasonsForLiving: []string{"My niece"}}); err != nil {
			t.Fatal(err)
		}
		p.do("GET", "/api/crisis/safety-plan", nil).want(t, 200).decode(t, &plan)
		if plan.Version != 1 || plan.Plan.ReasonsForLiving[0] != "My niece" || plan.SavedAt == nil {
			t.Fatalf("plan %+v", plan)
		}
		cc.do("GET", "/api/crisis/safety-plan", nil).want(t, 403)
	})

	loc := map[string]any{"lat": 51.5, "lon": -0.12, "accuracy": 10}
	t.Run("no location without an open request", func(t *testing.T) {
		if msg := p.do("POST", "/api/crisis/location", loc).want(t, 404).errorOf(t).Message; msg != "There is no open crisis request" {
			t.Fatalf("no open request: %q", msg)
		}
	})

	var id int64
	t.Run("the button alerts the on-call counselor", func(t *testing.T) {
		var got crisisRequest
		p.do("POST", "/api/crisis", nil).want(t, 201).decode(t, &got)
		if !got.Open || got.EscalationID == 0 || got.Status != "alerted" {
			t.Fatalf("after the button: %+v", got)
		}
		id = got.EscalationID
		if offers := e.notify.to(casey.ID, crisis.EventOffer); len(offers) != 1 || offers[0].data["escalation_id"] != float64(id) {
			t.Fatalf("counselor's offers: %+v", offers)
		}
		if st := e.notify.to(pat.ID, crisis.EventStatus); len(st) != 1 || st[0].data["status"] != "alerted" {
			t.Fatalf("patient's statuses: %+v", st)
		}
		if len(e.push.alerted(id)) == 0 {
			t.Fatal("no push alert was enqueued for the counselor")
		}
	})

	t.Run("pressing again joins the open request", func(t *testing.T) {
		var again crisisRequest
		p.do("POST", "/api/crisis", nil).want(t, 200).decode(t, &again)
		if again.EscalationID != id {
			t.Fatalf("second press opened %d, want %d", again.EscalationID, id)
		}
		esc, err := e.svc.Get(context.Background(), id)
		if err != nil || esc.Source != crisis.SourceButton || esc.Severity != crisis.High || esc.RaisedBy != pat.ID || esc.Triggers != 2 {
			t.Fatalf("stored escalation %+v, %v", esc, err)
		}
		if st := mine(p, id); !st.Open || st.Status != "alerted" {
			t.Fatalf("mine: %+v", st)
		}
	})

	t.Run("locations are checked", func(t *testing.T) {
		for name, body := range map[string]map[string]any{
			"latitude out of range": {"lat": 91, "lon": 0, "accuracy": 5},
			"negative accuracy":     {"lat": 0, "lon": 0, "accuracy": -1},
			"missing longitude":     {"lat": 0, "accuracy": 5},
		} {
			if r := p.do("POST", "/api/crisis/location", body); r.status != 400 {
				t.Errorf("%s: %d %s", name, r.status, r.body)
			}
		}
		p.do("POST", "/api/crisis/location", loc).want(t, 200)
		if st := mine(p, id); !st.LocationShared {
			t.Fatalf("after sharing: %+v", st)
		}
	})

	other := e.createUser(account.RolePatient, "other@example.org", "Other Patient")
	o := e.client()
	o.signIn("other@example.org")
	t.Run("nobody else's request is found", func(t *testing.T) {
		if st := mine(o, id); st.Open || st.EscalationID != 0 {
			t.Fatalf("another patient sees %+v", st)
		}
		if st := mine(o, 9223372036854775807); st.Open {
			t.Fatalf("an unknown id reads as open: %+v", st)
		}
	})

	t.Run("with nobody on call the patient is told to call 988", func(t *testing.T) {
		cc.do("PUT", "/api/crisis/oncall", map[string]any{"switch": "off"}).want(t, 200)
		var got crisisRequest
		o.do("POST", "/api/crisis", nil).want(t, 201).decode(t, &got)
		if got.Status != "call_988" || mine(o, got.EscalationID).Status != "call_988" {
			t.Fatalf("status with nobody on call: %+v", got)
		}
		if st := e.notify.to(other.ID, crisis.EventStatus); len(st) != 1 || st[0].data["status"] != "call_988" {
			t.Fatalf("statuses %+v", st)
		}
	})
}

func TestConcurrentClaimsOneWins(t *testing.T) {
	t.Parallel()
	e := newCrisisEnv(t)
	const n = 4
	counselors := make([]*client, n)
	ids := make([]int64, n)
	for i := range n {
		var a account.Account
		counselors[i], a = e.counselor("c"+strconv.Itoa(i)+"@clinic.example", "Counselor "+strconv.Itoa(i))
		ids[i] = a.ID
	}
	_, _, id := openCrisis(t, e)

	statuses := make([]int, n)
	messages := make([]string, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, c := range counselors {
		wg.Go(func() {
			<-start
			r := c.do("POST", crisisPath(id, "/claim"), nil)
			statuses[i] = r.status
			if r.status != 200 {
				var b errorBody
				r.decode(t, &b)
				messages[i] = b.Error.Message
			}
		})
	}
	close(start)
	wg.Wait()
	winners := 0
	for i, st := range statuses {
		switch st {
		case 200:
			winners++
		case 409:
			if messages[i] != "Another counselor has already taken this" {
				t.Errorf("loser %d told %q", i, messages[i])
			}
		default:
			t.Errorf("claim %d: status %d", i, st)
		}
	}
	if winners != 1 {
		t.Fatalf("%d claims won, want 1: %v", winners, statuses)
	}
	for i := range n {
		if statuses[i] == 409 && len(e.notify.to(ids[i], crisis.EventTaken)) != 1 {
			t.Errorf("loser %d was not told it was taken", i)
		}
	}
}

func TestEmergencyNumberIsConfigured(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{{"", "911", true}, {"112", "112", true}, {"000", "000", true}, {"9", "", false}, {"91a", "", false},
		{"911\"><script>", "", false}, {"123456789", "", false}} {
		a, err := loadAssets()
		if err != nil {
			t.Fatal(err)
		}
		got, err := a.useEmergencyNumber(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("useEmergencyNumber(%q) = %q, %v", tc.in, got, err)
		}
	}
	h := newHarness(t, func(c *Config, _ *Deps) { c.EmergencyNumber = "112" })
	c := h.client()
	page := string(c.do("GET", "/crisis", nil).want(t, 200).body)
	if !strings.Contains(page, `<meta name="haven-emergency-number" content="112">`) || !strings.Contains(page, `href="tel:112"`) ||
		strings.Contains(page, emergencyPlaceholder) {
		t.Fatalf("the shell does not carry the number: %s", page)
	}
	if sw := string(c.do("GET", "/sw.js", nil).want(t, 200).body); !strings.Contains(sw, "(112 here)") || !strings.Contains(sw, "'/crisis'") {
		t.Fatal("the service worker does not name the number or keep /crisis")
	}
}
