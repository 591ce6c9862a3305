package main

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"haven/migrations/dbtest"
)

// phaseRE matches one sending phase's counts in chatbench's report.
var phaseRE = regexp.MustCompile(`failed (\d+), delivered (\d+) \(.*undelivered after 5 s drain (\d+)`)

// checkHubReport fails unless the report names every figure and each of
// the want sending phases delivered messages, none failed and none lost.
func checkHubReport(t *testing.T, out string, phases int) {
	t.Helper()
	for _, want := range []string{"open files: soft limit", "phase 1: connections", "held 50 of 50 connections",
		"KB per connection", "phase 2: one node", "send->delivery latency p50", "p99", "send->ack"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	m := phaseRE.FindAllStringSubmatch(out, -1)
	if len(m) != phases {
		t.Fatalf("report has %d sending phases, want %d", len(m), phases)
	}
	for i, p := range m {
		failed, _ := strconv.Atoi(p[1])
		delivered, _ := strconv.Atoi(p[2])
		lost, _ := strconv.Atoi(p[3])
		if failed != 0 || delivered == 0 || lost != 0 {
			t.Errorf("phase %d: failed %d, delivered %d, undelivered %d; want some delivered and none failed or lost", i+2, failed, delivered, lost)
		}
	}
}

// TestBenchHubInProcessTwoNodes runs `portal bench hub --nodes 2` with tiny
// numbers: both nodes start in the process on a scratch database with
// Redis, every phase runs, messages arrive on one node and across Redis,
// and the report says its memory figure is not the server's alone.
func TestBenchHubInProcessTwoNodes(t *testing.T) {
	env := newTestEnv(t)
	env.vars["REDIS_URL"] = "redis://127.0.0.1:6379/0"
	out, err := env.runCmd(t, "bench", "hub", "--conns", "50", "--pairs", "5", "--rate", "50", "--duration", "2s", "--nodes", "2")
	t.Log("\n" + out)
	if err != nil {
		t.Fatal(err)
	}
	checkHubReport(t, out, 2)
	for _, want := range []string{"phase 3: two nodes through Redis", "Redis broker", "not the server's alone"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestBenchHubAgainstRunningServer drives a server started separately
// (`portal serve`) with --url, sharing its database and key, and measures
// the named server process.
func TestBenchHubAgainstRunningServer(t *testing.T) {
	env := newTestEnv(t)
	srv := env.startServer(t, "serve")
	pid := strconv.Itoa(os.Getpid()) // the server runs in the test process
	out, err := env.runCmd(t, "bench", "hub", "--url", srv.URL, "--server-pid", pid,
		"--conns", "50", "--pairs", "5", "--rate", "50", "--duration", "2s")
	t.Log("\n" + out)
	if err != nil {
		t.Fatal(err)
	}
	checkHubReport(t, out, 1)
	for _, want := range []string{"driving running server(s) " + srv.URL, "memory of server process(es) [" + pid + "]"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestBenchHubWithoutServerPIDSaysWhoseMemory checks that, against a
// running server without --server-pid, the report says the memory figure
// is the bench process's client side.
func TestBenchHubWithoutServerPIDSaysWhoseMemory(t *testing.T) {
	env := newTestEnv(t)
	srv := env.startServer(t, "serve")
	out, err := env.runCmd(t, "bench", "hub", "--url", srv.URL, "--conns", "50", "--pairs", "5", "--rate", "50", "--duration", "1s")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "memory figure below is of THIS bench process, which holds only the client side") {
		t.Errorf("report does not say whose memory it measured:\n%s", out)
	}
}

// TestBenchHubWrongDatabase runs the bench against a server whose database
// is not DATABASE_URL's: the sessions are unknown there, and the error says
// what to check.
func TestBenchHubWrongDatabase(t *testing.T) {
	env := newTestEnv(t)
	srv := env.startServer(t, "serve")
	other := &testEnv{vars: map[string]string{}}
	for k, v := range env.vars {
		other.vars[k] = v
	}
	other.vars["DATABASE_URL"] = dbtest.URLFor(dbtest.NewDatabase(t))
	_, err := other.runCmd(t, "bench", "hub", "--url", srv.URL, "--conns", "10", "--pairs", "2", "--rate", "10", "--duration", "1s")
	if err == nil || !strings.Contains(err.Error(), "refused the bench session (401): does DATABASE_URL name the database this server uses?") {
		t.Fatalf("bench against another database: err = %v", err)
	}
}

// TestBenchHubRefusesBadFlags checks each flag mistake a user can make is
// refused with a message that says what to fix, before anything runs.
func TestBenchHubRefusesBadFlags(t *testing.T) {
	env := newTestEnv(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"three nodes", []string{"--nodes", "3"}, "--nodes 3: want 1 or 2"},
		{"two nodes without redis", []string{"--nodes", "2"}, "--nodes 2 needs REDIS_URL"},
		{"url scheme", []string{"--url", "ftp://example.org"}, `"ftp://example.org": want http(s)://host:port`},
		{"url without host", []string{"--url", "http://"}, "want http(s)://host:port"},
		{"three urls", []string{"--url", "http://127.0.0.1:1,http://127.0.0.1:2", "--url", "http://127.0.0.1:3"}, "at most two servers"},
		{"nodes and urls disagree", []string{"--url", "http://127.0.0.1:1", "--nodes", "2"}, "--nodes 2 but 1 --url given"},
		{"pid without url", []string{"--server-pid", "1"}, "--server-pid needs --url"},
		{"pid not a number", []string{"--url", "http://127.0.0.1:1", "--server-pid", "x"}, `"x": want a process id`},
		{"pid not running", []string{"--url", "http://127.0.0.1:1", "--server-pid", "2147483646"}, "--server-pid 2147483646: no such process"},
		{"no rate", []string{"--rate", "0"}, "--rate and --duration must be positive"},
		{"no pairs", []string{"--pairs", "0"}, "must be at least 1"},
		{"over the file limit", []string{"--conns", "100000000"}, "need about 200000200 open files in this process, but its limit is"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := env.runCmd(t, append([]string{"bench", "hub"}, tc.args...)...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("bench hub %v: err = %v, want it to contain %q", tc.args, err, tc.want)
			}
		})
	}
}
