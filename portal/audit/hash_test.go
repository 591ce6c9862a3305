package audit

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgtype"
)

func baseRow() row {
	return row{
		id: 10, at: time.UnixMicro(1_700_000_000_000_000), actorID: pgtype.Int8{Int64: 2, Valid: true},
		actorRole: "clinician", action: "chat.read", patientID: pgtype.Int8{Int64: 7, Valid: true},
		target: "conversation:42", outcome: "ok", clientIP: pgtype.Text{String: "203.0.113.7/32", Valid: true},
		userAgent: "ua",
	}
}

// Every field, and every shift of a boundary between fields, changes the hash.
func TestLinkHashCoversEveryField(t *testing.T) {
	base := baseRow()
	ref := linkHash(genesis, &base, 1)
	tests := []struct {
		name   string
		change func(*row)
	}{
		{"id", func(r *row) { r.id = 11 }},
		{"time", func(r *row) { r.at = r.at.Add(time.Microsecond) }},
		{"actor", func(r *row) { r.actorID.Int64 = 3 }},
		{"actor null vs 0", func(r *row) { r.actorID = pgtype.Int8{} }},
		{"role", func(r *row) { r.actorRole = "admin" }},
		{"boundary role/action", func(r *row) { r.actorRole, r.action = "clinicianc", "hat.read" }},
		{"action", func(r *row) { r.action = "chat.write" }},
		{"patient", func(r *row) { r.patientID = pgtype.Int8{} }},
		{"target", func(r *row) { r.target = "conversation:43" }},
		{"outcome", func(r *row) { r.outcome = "denied" }},
		{"ip", func(r *row) { r.clientIP.String = "203.0.113.7/24" }},
		{"ip null vs empty", func(r *row) { r.clientIP = pgtype.Text{String: "", Valid: true} }},
		{"user agent", func(r *row) { r.userAgent = "ub" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := baseRow()
			tc.change(&r)
			if bytes.Equal(linkHash(genesis, &r, 1), ref) {
				t.Fatal("hash unchanged")
			}
		})
	}
	if bytes.Equal(linkHash(genesis, &base, 2), ref) {
		t.Fatal("chain position not covered")
	}
	if bytes.Equal(linkHash(ref, &base, 1), ref) {
		t.Fatal("previous hash not covered")
	}
	if !bytes.Equal(linkHash(genesis, &base, 1), ref) {
		t.Fatal("hash is not deterministic")
	}
}

func TestValidAction(t *testing.T) {
	tests := []struct {
		action string
		ok     bool
	}{
		{"chat.read", true}, {"login.failed", true}, {"breakglass.open", true}, {"meds.dose_2.write", true},
		{"", false}, {"chat", false}, {".read", false}, {"chat.", false}, {"chat..read", false},
		{"Chat.read", false}, {"1chat.read", false}, {"chat.read!", false}, {"chat-read.x", false},
		{"a." + strings.Repeat("b", 62), true}, {"a." + strings.Repeat("b", 63), false},
	}
	for _, tc := range tests {
		if got := validAction(tc.action); got != tc.ok {
			t.Errorf("validAction(%q) = %v, want %v", tc.action, got, tc.ok)
		}
	}
}

func FuzzCleanUserAgent(f *testing.F) {
	f.Add("Mozilla/5.0 (X11; Linux x86_64)")
	f.Add(strings.Repeat("é", 300))
	f.Add("bad\xff\xfe\x00\x1b[31mred")
	f.Fuzz(func(t *testing.T, in string) {
		out := cleanUserAgent(in)
		if len(out) > maxUserAgent || !utf8.ValidString(out) || strings.IndexFunc(out, unicode.IsControl) >= 0 {
			t.Fatalf("cleanUserAgent(%q) = %q", in, out)
		}
	})
}
