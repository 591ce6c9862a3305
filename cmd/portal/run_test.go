package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"haven/migrations/dbtest"
)

// testEnv is a getenv for run: a fresh database and data dir per test.
type testEnv struct {
	dbName string
	vars   map[string]string
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	name := dbtest.NewDatabase(t)
	return &testEnv{dbName: name, vars: map[string]string{
		"DATABASE_URL":    dbtest.URLFor(name),
		"HAVEN_DATA_DIR":  t.TempDir(),
		"HAVEN_LOG_LEVEL": "warn",
		"HAVEN_MEDIA_UDP": "127.0.0.1:0",
	}}
}

func (e *testEnv) getenv(k string) string { return e.vars[k] }

// runCmd runs one command to completion and returns its stdout.
func (e *testEnv) runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := run(ctx, args, e.getenv, &out, &errOut)
	if err != nil {
		t.Logf("%v: stderr: %s", args, errOut.String())
	}
	return out.String(), err
}

// runningServer is a server started through run on port 0.
type runningServer struct {
	URL    string
	Stdout string // what was printed up to the listening line
	stop   func() error
}

var listeningRE = regexp.MustCompile(`listening on (https?://\S+)`)

// startServer runs `portal <cmd> --listen 127.0.0.1:0` in the background
// and waits for the address it prints. The server stops (gracefully, and
// the test checks run returns nil) at cleanup.
func (e *testEnv) startServer(t *testing.T, cmd string, extra ...string) *runningServer {
	t.Helper()
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	args := append([]string{cmd, "--listen", "127.0.0.1:0"}, extra...)
	go func() {
		err := run(ctx, args, e.getenv, pw, io.Discard)
		pw.CloseWithError(errors.Join(err, io.EOF))
		done <- err
	}()
	var seen strings.Builder
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		seen.WriteString(sc.Text() + "\n")
		if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
			go io.Copy(io.Discard, pr)
			s := &runningServer{URL: m[1], Stdout: seen.String()}
			var once sync.Once
			var stopErr error
			s.stop = func() error {
				once.Do(func() {
					cancel()
					select {
					case stopErr = <-done:
					case <-time.After(20 * time.Second):
						stopErr = errors.New("server did not stop within 20 s")
					}
				})
				return stopErr
			}
			t.Cleanup(func() {
				if err := s.stop(); err != nil {
					t.Errorf("server shutdown: %v", err)
				}
			})
			return s
		}
	}
	cancel()
	t.Fatalf("server exited before listening: %v\n%s", <-done, seen.String())
	return nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestServeAnswersHealthReadinessAndMetrics(t *testing.T) {
	env := newTestEnv(t)
	srv := env.startServer(t, "serve")
	if code, _ := get(t, srv.URL+"/healthz"); code != 200 {
		t.Fatalf("/healthz = %d", code)
	}
	if code, body := get(t, srv.URL+"/readyz"); code != 200 {
		t.Fatalf("/readyz = %d %s", code, body)
	}
	code, body := get(t, srv.URL+"/metrics")
	if code != 200 || !strings.Contains(body, "go_goroutines") || !strings.Contains(body, "process_resident_memory_bytes") {
		t.Fatalf("/metrics = %d, missing runtime metrics", code)
	}
	if err := srv.stop(); err != nil {
		t.Fatalf("graceful shutdown: %v", err)
	}
}

func TestServeRefusesDatabaseNewerThanBinary(t *testing.T) {
	env := newTestEnv(t)
	conn, err := pgx.Connect(context.Background(), env.vars["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `INSERT INTO schema_migrations (version, name) VALUES (99999, 'future.sql')`); err != nil {
		t.Fatal(err)
	}
	_, err = env.runCmd(t, "serve", "--listen", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "newer than this binary") {
		t.Fatalf("serve on a newer database: err = %v", err)
	}
}

func TestMigrateReportsVersion(t *testing.T) {
	env := newTestEnv(t)
	out, err := env.runCmd(t, "migrate")
	if err != nil || !strings.Contains(out, "database schema at version") {
		t.Fatalf("migrate: %v %q", err, out)
	}
}

func TestUsersAddInviteDisable(t *testing.T) {
	env := newTestEnv(t)
	out, err := env.runCmd(t, "users", "add", "--role", "clinician", "--email", "Dr.Who@Clinic.example", "--name", "Dr Who")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "created clinician account") || !regexp.MustCompile(`password \(shown once\): [a-z2-7]{24}`).MatchString(out) {
		t.Fatalf("users add printed %q", out)
	}
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("a sturdy passphrase\n"), 0o600)
	if out, err := env.runCmd(t, "users", "add", "--role", "admin", "--email", "root@clinic.example", "--name", "Root", "--password-file", pw); err != nil || strings.Contains(out, "shown once") {
		t.Fatalf("users add with a password file: %v %q", err, out)
	}
	if _, err := env.runCmd(t, "users", "add", "--role", "clinician", "--email", "dr.who@clinic.example", "--name", "Twice"); err == nil {
		t.Fatal("a second account with the same email was created")
	}
	if _, err := env.runCmd(t, "users", "add", "--role", "wizard", "--email", "w@clinic.example", "--name", "W"); err == nil {
		t.Fatal("an unknown role was accepted")
	}
	out, err = env.runCmd(t, "users", "invite", "--email", "pat@example.org", "--name", "Pat", "--by", "dr.who@clinic.example")
	if err != nil || !regexp.MustCompile(`invitation link \(one use, 7 days\): http://127\.0\.0\.1:8080/invite#\S{20,}`).MatchString(out) {
		t.Fatalf("users invite: %v %q", err, out)
	}
	if out, err := env.runCmd(t, "users", "disable", "--email", "dr.who@clinic.example"); err != nil || !strings.Contains(out, "disabled account") {
		t.Fatalf("users disable: %v %q", err, out)
	}
	if _, err := env.runCmd(t, "users", "disable", "--email", "nobody@clinic.example"); err == nil {
		t.Fatal("disabling an unknown account succeeded")
	}
}

func TestAuditVerifyDetectsEditedRow(t *testing.T) {
	env := newTestEnv(t)
	for _, email := range []string{"a@clinic.example", "b@clinic.example", "c@clinic.example"} {
		if _, err := env.runCmd(t, "users", "add", "--role", "clinician", "--email", email, "--name", "N"); err != nil {
			t.Fatal(err)
		}
	}
	out, err := env.runCmd(t, "audit", "verify")
	if err != nil || !regexp.MustCompile(`audit chain intact: [1-9]\d* rows verified`).MatchString(out) {
		t.Fatalf("verify of an untouched log: %v %q", err, out)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, env.vars["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// An attacker with SQL access edits a row, bypassing the append-only trigger.
	for _, q := range []string{
		`ALTER TABLE audit_log DISABLE TRIGGER ALL`,
		`UPDATE audit_log SET actor_role = 'admin' WHERE id = (SELECT min(id) + 1 FROM audit_log)`,
		`ALTER TABLE audit_log ENABLE TRIGGER ALL`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	out, err = env.runCmd(t, "audit", "verify")
	if err == nil || !strings.Contains(out, "audit chain BROKEN: changed row at position 2") {
		t.Fatalf("verify after an edit: err = %v, out %q", err, out)
	}
}

func TestConfigIsValidatedWithClearMessages(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"bad database url", nil, map[string]string{"DATABASE_URL": "mysql://x"}, "DATABASE_URL must be a postgres:// URL"},
		{"bad redis url", nil, map[string]string{"REDIS_URL": "http://x"}, "REDIS_URL must be a redis://"},
		{"cert without key", []string{"--tls-cert", "c.pem"}, nil, "give both --tls-cert and --tls-key"},
		{"public http off localhost", []string{"--public-url", "http://clinic.example"}, nil, "must be https"},
		{"https without tls or proxy", []string{"--public-url", "https://clinic.example"}, nil, "needs --tls-cert/--tls-key, or --behind-proxy"},
		{"bad listen", []string{"--listen", "8080"}, nil, "want host:port"},
		{"bad bool env", nil, map[string]string{"HAVEN_BEHIND_PROXY": "maybe"}, "HAVEN_BEHIND_PROXY=\"maybe\": want true or false"},
		{"bad duration env", nil, map[string]string{"HAVEN_SESSION_IDLE": "soon"}, "want a duration"},
		{"idle longer than max", []string{"--session-idle", "13h"}, nil, "idle must be at least 1m and no longer than the absolute limit"},
		{"bad log level", []string{"--log-level", "loud"}, nil, "log level \"loud\""},
		{"emergency number with letters", []string{"--emergency-number", "9-1-1"}, nil, "emergency number \"9-1-1\": digits only"},
		{"reply expectation too short", []string{"--reply-expectation", "10s"}, nil, "reply expectation must be at least 1m"},
		{"bad media port", []string{"--media-udp", "50000"}, nil, "media UDP address \"50000\": want host:port"},
		{"bad media public ip", []string{"--media-public-ips", "203.0.113.5, clinic"}, nil, "media public IP \"clinic\" is not an IP address"},
		{"turn without relay address", []string{"--turn-udp", ":3478"}, map[string]string{"HAVEN_TURN_SECRET": "0123456789abcdef"}, "--turn-udp needs --turn-public-ip"},
		{"turn with a short secret", []string{"--turn-udp", ":3478", "--turn-public-ip", "203.0.113.5"}, map[string]string{"HAVEN_TURN_SECRET": "short"}, "HAVEN_TURN_SECRET of at least 16 characters"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			getenv := func(k string) string { return c.env[k] }
			err := run(context.Background(), append([]string{"migrate"}, c.args...), getenv, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to say %q", err, c.want)
			}
		})
	}
	t.Run("behind a proxy with https is accepted", func(t *testing.T) {
		fs, getenv := "serve", func(string) string { return "" }
		_, _, err := parseConfig(fs, []string{"--behind-proxy", "--public-url", "https://clinic.example"}, getenv, io.Discard, nil)
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestUnknownCommandSaysSo(t *testing.T) {
	err := run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `unknown command "frobnicate"`) {
		t.Fatalf("err = %v", err)
	}
}

// TestServeWithRedisUnreachableSaysSo: a node that cannot build (here Redis
// is down) returns a clear error and releases what it opened, instead of
// panicking or serving half a node.
func TestServeWithRedisUnreachableSaysSo(t *testing.T) {
	env := newTestEnv(t)
	env.vars["REDIS_URL"] = "redis://127.0.0.1:1/0"
	_, err := env.runCmd(t, "serve", "--listen", "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "cannot reach Redis at 127.0.0.1:1") {
		t.Fatalf("serve with Redis down: %v, want \"cannot reach Redis at 127.0.0.1:1\"", err)
	}
}
