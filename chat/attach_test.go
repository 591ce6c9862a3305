package chat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"haven/portal/fault"
)

// Minimal files of each accepted type (magic bytes, then a marker).
var (
	testPNG  = append([]byte("\x89PNG\r\n\x1a\n"), []byte("png-payload-marker-7f3a")...)
	testJPEG = append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, []byte("jpeg")...)
	testGIF  = []byte("GIF89a....gif")
	testWebP = []byte("RIFF\x10\x00\x00\x00WEBPVP8 ")
	testPDF  = []byte("%PDF-1.7\n%test")
)

func TestSniffType(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"png", testPNG, "image/png"},
		{"jpeg", testJPEG, "image/jpeg"},
		{"gif87", []byte("GIF87a..."), "image/gif"},
		{"gif89", testGIF, "image/gif"},
		{"webp", testWebP, "image/webp"},
		{"pdf", testPDF, "application/pdf"},
		{"riff but wave", []byte("RIFF\x10\x00\x00\x00WAVEfmt "), ""},
		{"short riff", []byte("RIFF"), ""},
		{"html", []byte("<html><script>alert(1)</script>"), ""},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), ""},
		{"text", []byte("just text"), ""},
		{"empty", nil, ""},
		{"png lookalike", []byte("\x89PNG\r\n"), ""},
	}
	for _, tc := range cases {
		if got := sniffType(tc.data); got != tc.want {
			t.Errorf("%s: sniffType = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// testAttachments: accepted types round-trip sealed; wrong types, 10 MB+
// and empty uploads are refused; only participants download; a message may
// reference its sender's attachments of the same conversation only.
func testAttachments(t *testing.T, e *env) {
	ctx := context.Background()
	cl := e.newClinic(t, 2)
	svc := e.nodes[0].chat
	p, a, b := patientActor(cl.patient), staffActor(cl.clinicians[0]), staffActor(cl.clinicians[1])
	conv := cl.direct[a.UserID]
	var ids []AttachmentID
	for _, f := range [][]byte{testPNG, testJPEG, testGIF, testWebP, testPDF} {
		id, err := svc.Upload(ctx, p, conv, bytes.NewReader(f))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		ctype, got, err := svc.Download(ctx, a, id)
		if err != nil || !bytes.Equal(got, f) || ctype != sniffType(f) {
			t.Errorf("download %d = %q, %d bytes, %v", id, ctype, len(got), err)
		}
	}
	var n int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM chat_attachments WHERE position('png-payload-marker' in encode(sealed, 'escape')) > 0`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d attachments stored in plaintext (%v)", n, err)
	}
	refusals := []struct {
		name string
		r    io.Reader
		want error
	}{
		{"text declared as nothing", strings.NewReader("hello"), ErrAttachmentType},
		{"html", strings.NewReader("<html>"), ErrAttachmentType},
		{"empty", strings.NewReader(""), ErrAttachmentEmpty},
		{"10 MB + 1", io.MultiReader(bytes.NewReader(testPNG), io.LimitReader(zeros{}, MaxAttachmentSize+1-int64(len(testPNG)))), ErrAttachmentTooLarge},
	}
	for _, tc := range refusals {
		if _, err := svc.Upload(ctx, p, conv, tc.r); !errors.Is(err, tc.want) {
			t.Errorf("%s: Upload = %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, err := svc.Upload(ctx, b, conv, bytes.NewReader(testPNG)); !errors.Is(err, ErrNotFound) {
		t.Errorf("non-participant upload = %v", err)
	}
	if _, _, err := svc.Download(ctx, b, ids[0]); !errors.Is(err, ErrAttachmentNotFound) {
		t.Errorf("non-participant download = %v", err)
	}
	if _, _, err := svc.Download(ctx, a, ids[len(ids)-1]+100); !errors.Is(err, ErrAttachmentNotFound) {
		t.Errorf("unknown download = %v", err)
	}
	// Referencing attachments.
	sent, err := svc.Send(ctx, p, SendRequest{Conversation: conv, ClientID: "att", Attachments: []int64{int64(ids[0]), int64(ids[4])}})
	if err != nil {
		t.Fatal(err)
	}
	page, err := svc.History(ctx, a, conv, 0, 0)
	if err != nil || len(page.Messages) != 1 || len(page.Messages[0].Attachments) != 2 || page.Messages[0].Seq != sent.Seq {
		t.Errorf("history = %+v, %v", page, err)
	}
	other, err := svc.Upload(ctx, p, cl.team, bytes.NewReader(testPNG))
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []SendRequest{
		{Conversation: conv, ClientID: "x1", Attachments: []int64{int64(other)}},                // another conversation's
		{Conversation: conv, ClientID: "x2", Attachments: []int64{int64(ids[len(ids)-1]) + 99}}, // unknown
	} {
		if _, err := svc.Send(ctx, p, bad); !errors.Is(err, ErrAttachments) {
			t.Errorf("send with %v = %v", bad.Attachments, err)
		}
	}
	if _, err := svc.Send(ctx, a, SendRequest{Conversation: conv, ClientID: "x3", Attachments: []int64{int64(ids[1])}}); !errors.Is(err, ErrAttachments) {
		t.Errorf("sending the patient's attachment as the clinician = %v", err)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// testAttachmentHTTP: the handler chat gives the web layer uploads and
// downloads with the sniffed type and safe headers, and maps refusals to
// statuses.
func testAttachmentHTTP(t *testing.T, e *env) {
	cl := e.newClinic(t, 1)
	conv := cl.direct[cl.clinicians[0]]
	auth := func(r *http.Request) (Actor, error) {
		id, err := strconv.ParseInt(r.Header.Get("X-User"), 10, 64)
		if err != nil {
			return Actor{}, fault.New(fault.Unauthenticated, "sign in")
		}
		return Actor{UserID: id, Role: r.Header.Get("X-Role")}, nil
	}
	srv := httptest.NewServer(e.nodes[0].chat.AttachmentHandler(auth))
	defer srv.Close()
	do := func(method, path string, user int64, role string, body io.Reader) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, body)
		if user != 0 {
			req.Header.Set("X-User", strconv.FormatInt(user, 10))
			req.Header.Set("X-Role", role)
		}
		req.Header.Set("Content-Type", "image/png") // ignored
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	path := "/conversations/" + strconv.FormatInt(conv, 10) + "/attachments"
	resp := do("POST", path, cl.patient, "patient", bytes.NewReader(testPDF))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload status %d", resp.StatusCode)
	}
	var up struct {
		Attachment  int64  `json:"attachment"`
		ContentType string `json:"content_type"`
		Size        int    `json:"size"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&up); err != nil || up.ContentType != "application/pdf" || up.Size != len(testPDF) {
		t.Fatalf("upload answer %+v, %v", up, err)
	}
	get := do("GET", "/attachments/"+strconv.FormatInt(up.Attachment, 10), cl.clinicians[0], "clinician", nil)
	body, _ := io.ReadAll(get.Body)
	if get.StatusCode != 200 || !bytes.Equal(body, testPDF) || get.Header.Get("Content-Type") != "application/pdf" ||
		get.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(get.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download: %d %v", get.StatusCode, get.Header)
	}
	statuses := []struct {
		name   string
		resp   *http.Response
		status int
	}{
		{"anonymous", do("POST", path, 0, "", bytes.NewReader(testPNG)), 401},
		{"wrong type", do("POST", path, cl.patient, "patient", strings.NewReader("MZ\x90\x00 not an image")), 400},
		{"too large", do("POST", path, cl.patient, "patient", io.LimitReader(zeros{}, MaxAttachmentSize+10)), 413},
		{"outsider upload", do("POST", path, e.user("patient"), "patient", bytes.NewReader(testPNG)), 404},
		{"outsider download", do("GET", "/attachments/"+strconv.FormatInt(up.Attachment, 10), e.user("clinician"), "clinician", nil), 404},
		{"bad id", do("GET", "/attachments/x", cl.patient, "patient", nil), 404},
	}
	for _, s := range statuses {
		if s.resp.StatusCode != s.status {
			t.Errorf("%s: status %d, want %d", s.name, s.resp.StatusCode, s.status)
		}
	}
}
