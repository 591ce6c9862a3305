package web

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestBookingThroughputUnderContention measures booking over HTTP when
// every slot is wanted by several patients at once: rounds of racers
// booking one slot each. It asserts only that each round has exactly one
// winner, and prints requests per second and conflicts (never a timed
// assertion). It runs when HAVEN_BENCH is set, for example
//
//	HAVEN_BENCH=1 HAVEN_BENCH_ROUNDS=200 go test -run TestBookingThroughputUnderContention -v ./web/
func TestBookingThroughputUnderContention(t *testing.T) {
	if os.Getenv("HAVEN_BENCH") == "" {
		t.Skip("set HAVEN_BENCH=1 to measure booking throughput")
	}
	rounds, racers := envInt("HAVEN_BENCH_ROUNDS", 100), envInt("HAVEN_BENCH_RACERS", 8)
	c := newCareHarness(t)
	cl := newClinic(t, c.harness)
	vt := c.publish(t, cl.ic, cl.inside.ID)
	type racer struct {
		path string
		c    *client
	}
	rs := []racer{{"/api/patients/" + strconv.FormatInt(cl.patient.ID, 10) + "/appointments", cl.pc}}
	for i := 1; i < racers; i++ {
		p, pc := c.addPatient(t, "bench"+strconv.Itoa(i)+"@example.org", "Bench "+strconv.Itoa(i), cl.inside.ID)
		rs = append(rs, racer{"/api/patients/" + strconv.FormatInt(p.ID, 10) + "/appointments", pc})
	}
	var slots []slotJSON
	for from := c.vclock.Now().Add(changeable); len(slots) < rounds; from = from.Add(60 * 24 * time.Hour) {
		slots = append(slots, c.slotsFrom(t, cl.ic, cl.inside.ID, vt.ID, from, 60)...)
	}

	var requests, conflicts int
	var busy time.Duration
	for _, slot := range slots[:rounds] {
		statuses := make([]int, len(rs))
		var wg sync.WaitGroup
		began := time.Now()
		for i, r := range rs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = r.c.do("POST", r.path, bookRequest{ClinicianID: cl.inside.ID, VisitTypeID: vt.ID, Start: slot.Start}).status
			}()
		}
		wg.Wait()
		busy += time.Since(began)
		won := 0
		for _, st := range statuses {
			switch st {
			case http.StatusCreated:
				won++
			case http.StatusConflict:
				conflicts++
			default:
				t.Fatalf("status %d", st)
			}
		}
		if won != 1 {
			t.Fatalf("slot %s: %d winners, want 1", slot.Start, won)
		}
		requests += len(rs)
	}
	fmt.Printf("booking under contention: %d rounds × %d racers = %d requests in %v: %.0f requests/s, %.0f bookings/s, %d conflicts (409), p-round %.1f ms\n",
		rounds, racers, requests, busy.Round(time.Millisecond), float64(requests)/busy.Seconds(), float64(rounds)/busy.Seconds(),
		conflicts, float64(busy.Microseconds())/1000/float64(rounds))
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
