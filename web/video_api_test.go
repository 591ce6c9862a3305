package web

import (
	"strconv"
	"strings"
	"testing"

	"haven/media"
)

// TestVideoAPI: a clinician starts a session with a patient of their care
// team; its members read it, others are refused; the ICE servers are
// empty without TURN; bad input is a clear 4xx.
func TestVideoAPI(t *testing.T) {
	t.Parallel()
	v := newVideoHarness(t)
	c := newClinic(t, v.harness)
	pid := c.patient.ID

	var ice iceJSON
	c.pc.do("GET", "/api/video/ice", nil).want(t, 200).decode(t, &ice)
	if ice.ICEServers == nil || len(ice.ICEServers) != 0 {
		t.Fatalf("ICE servers without TURN = %+v, want an empty list", ice.ICEServers)
	}

	var s media.SessionInfo
	c.ic.do("POST", "/api/video/sessions", startVideoRequest{Patients: []int64{pid}}).want(t, 201).decode(t, &s)
	if s.Role != media.RoleHost || len(s.Members) != 2 || s.Members[1].Name != "Pat Lee" || len(s.ID) != 27 || !strings.HasPrefix(s.ID, "v") {
		t.Fatalf("started session = %+v", s)
	}
	var mine media.SessionInfo
	c.pc.do("GET", "/api/video/sessions/"+s.ID, nil).want(t, 200).decode(t, &mine)
	if mine.Role != media.RoleGuest || mine.Participant != "u:"+strconv.FormatInt(pid, 10) {
		t.Fatalf("patient's view = %+v", mine)
	}
	var open sessionsJSON
	c.pc.do("GET", "/api/video/sessions", nil).want(t, 200).decode(t, &open)
	if len(open.Sessions) != 1 || open.Sessions[0].ID != s.ID {
		t.Fatalf("patient's open sessions = %+v", open)
	}
	c.oc.do("GET", "/api/video/sessions", nil).want(t, 200).decode(t, &open)
	if len(open.Sessions) != 0 {
		t.Fatalf("outside clinician's open sessions = %+v", open)
	}

	refusals := []struct {
		name   string
		as     *client
		method string
		path   string
		body   any
		status int
	}{
		{"outside clinician reads", c.oc, "GET", "/api/video/sessions/" + s.ID, nil, 403},
		{"outside clinician starts", c.oc, "POST", "/api/video/sessions", startVideoRequest{Patients: []int64{pid}}, 403},
		{"patient starts", c.pc, "POST", "/api/video/sessions", startVideoRequest{Patients: []int64{pid}}, 403},
		{"unknown session", c.pc, "GET", "/api/video/sessions/vaaaaaaaaaaaaaaaaaaaaaaaaaa", nil, 404},
		{"malformed session", c.pc, "GET", "/api/video/sessions/a%20b", nil, 404},
		{"nobody invited", c.ic, "POST", "/api/video/sessions", startVideoRequest{}, 400},
		{"unknown field", c.ic, "POST", "/api/video/sessions", `{"patients":[1],"record":true}`, 400},
		{"not a list", c.ic, "POST", "/api/video/sessions", `{"patients":"all"}`, 400},
		{"too many", c.ic, "POST", "/api/video/sessions", startVideoRequest{Patients: []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}, 400},
		{"visit without scheduling", c.pc, "POST", "/api/video/visits/1", nil, 503},
		{"bad visit id", c.pc, "POST", "/api/video/visits/x", nil, 400},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			e := r.as.do(r.method, r.path, r.body).want(t, r.status).errorOf(t)
			if e.Message == "" || e.Message == "internal error" {
				t.Fatalf("%s: message %q", r.name, e.Message)
			}
		})
	}
	v.client().do("GET", "/api/video/ice", nil).want(t, 401)
}

// TestVideoUnavailableWithoutSFU: a node without video answers 503 with
// a clear message.
func TestVideoUnavailableWithoutSFU(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	c := newClinic(t, h)
	e := c.ic.do("POST", "/api/video/sessions", startVideoRequest{Patients: []int64{c.patient.ID}}).want(t, 503).errorOf(t)
	if !strings.Contains(e.Message, "Video is not available") {
		t.Fatalf("message %q", e.Message)
	}
}
