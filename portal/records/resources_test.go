package records_test

import (
	"testing"

	"haven/portal/records"
)

func testResourceLibrary(t *testing.T, e *env) {
	p := e.patient.UserID
	art, err := e.svc.AddResource(e.ctx, e.doc, records.ResourceInput{Kind: records.KindArticle, Title: "Sleep hygiene", URL: "https://example.org/sleep"})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := e.svc.AddResource(e.ctx, e.admin, records.ResourceInput{Kind: records.KindExercise, Title: "Box breathing", Body: "Breathe in for 4…"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.AddResource(e.ctx, e.patient, records.ResourceInput{Kind: records.KindArticle, Title: "Mine", Body: "b"})
	wantErr(t, err, records.ErrStaffOnly)
	_, err = e.svc.Library(e.ctx, e.patient)
	wantErr(t, err, records.ErrStaffOnly)
	lib, err := e.svc.Library(e.ctx, e.doc)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, r := range lib {
		if r.ID == art.ID || r.ID == ex.ID {
			found++
		}
	}
	if found != 2 {
		t.Fatalf("library lacks the new resources: %+v", lib)
	}

	for _, id := range []int64{art.ID, ex.ID, art.ID} { // twice is a no-op
		if err := e.svc.AssignResource(e.ctx, e.doc, p, id); err != nil {
			t.Fatal(err)
		}
	}
	wantErr(t, e.svc.AssignResource(e.ctx, e.doc, p, ex.ID+1000), records.ErrNoResource)
	wantErr(t, e.svc.AssignResource(e.ctx, e.patient, p, art.ID), records.ErrCareTeamOnly)
	mine, err := e.svc.AssignedResources(e.ctx, e.patient, p)
	if err != nil || len(mine) != 2 || mine[0].AssignedBy != e.doc.UserID {
		t.Fatalf("assigned = %+v, %v", mine, err)
	}
	if err := e.svc.UnassignResource(e.ctx, e.doc, p, art.ID); err != nil {
		t.Fatal(err)
	}
	if mine, _ := e.svc.AssignedResources(e.ctx, e.patient, p); len(mine) != 1 || mine[0].ID != ex.ID || mine[0].Body != "Breathe in for 4…" {
		t.Fatalf("after unassign = %+v", mine)
	}
	if other, _ := e.svc.AssignedResources(e.ctx, e.other, e.other.UserID); len(other) != 0 {
		t.Fatalf("another patient sees %d resources", len(other))
	}
}

func testResourceLinksMustBeHTTPS(t *testing.T, e *env) {
	cases := []struct {
		url  string
		want error
	}{
		{"javascript:alert(1)", records.ErrBadURL},
		{"http://example.org/a", records.ErrBadURL},
		{"https://user:pw@example.org/", records.ErrBadURL},
		{"https:///path-only", records.ErrBadURL},
		{"//example.org/x", records.ErrBadURL},
		{"data:text/html,hi", records.ErrBadURL},
	}
	for _, c := range cases {
		_, err := e.svc.AddResource(e.ctx, e.doc, records.ResourceInput{Kind: records.KindArticle, Title: "t", URL: c.url})
		if !isErr(err, c.want) {
			t.Errorf("%q: err = %v, want %v", c.url, err, c.want)
		}
	}
	_, err := e.svc.AddResource(e.ctx, e.doc, records.ResourceInput{Kind: records.KindArticle, Title: "t"})
	wantErr(t, err, records.ErrBadResource)
	_, err = e.svc.AddResource(e.ctx, e.doc, records.ResourceInput{Kind: "video", Title: "t", Body: "b"})
	wantErr(t, err, records.ErrBadResourceKind)
}
