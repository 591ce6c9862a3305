package visits

import (
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkBookingContention has 50 patients race for the 10 slots of one
// clinician's day: each picks a random slot not known to be taken, and on
// ErrSlotTaken learns it is gone (as a client refreshing OpenSlots would)
// and tries another, until booked or the day is full. One op is one day.
// It reports booking requests per second, conflicts and bookings per day.
//
//	go test -run '^$' -bench BookingContention -benchtime 20x ./portal/visits/
func BenchmarkBookingContention(b *testing.B) {
	const patients, slots = 50, 10
	e := newEnv(b)
	c := e.user("clinician")
	e.setHours(c, "09:00", "17:20") // ten 50-minute slots
	vt := e.visitType(c, "Therapy", 50, Video)
	ps := make([]int64, patients)
	for i := range ps {
		ps[i] = e.patient(c)
	}
	if b.N > 250 {
		b.Fatalf("b.N = %d: a year holds about 250 weekdays; use -benchtime Nx", b.N)
	}
	var requests, conflicts, booked atomic.Int64
	day := at(2026, 3, 9, 9, 0)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		var mu sync.Mutex
		taken := map[int]bool{}
		var wg sync.WaitGroup
		for _, p := range ps {
			wg.Go(func() {
				for {
					mu.Lock()
					var open []int
					for s := 0; s < slots; s++ {
						if !taken[s] {
							open = append(open, s)
						}
					}
					mu.Unlock()
					if len(open) == 0 {
						return
					}
					s := open[rand.IntN(len(open))]
					_, err := e.svc.Book(e.ctx, pat(p), BookRequest{PatientID: p, ClinicianID: c, VisitTypeID: vt.ID,
						Start: day.Add(time.Duration(s) * 50 * time.Minute)})
					requests.Add(1)
					switch {
					case err == nil:
						booked.Add(1)
					case errors.Is(err, ErrSlotTaken):
						conflicts.Add(1)
					default:
						b.Error(err)
						return
					}
					mu.Lock()
					taken[s] = true
					mu.Unlock()
					if err == nil {
						return
					}
				}
			})
		}
		wg.Wait()
		if day = day.AddDate(0, 0, 1); day.Weekday() == time.Saturday {
			day = day.AddDate(0, 0, 2)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	if booked.Load() != int64(slots*b.N) {
		b.Fatalf("booked %d, want %d", booked.Load(), slots*b.N)
	}
	b.ReportMetric(float64(requests.Load())/elapsed.Seconds(), "req/s")
	b.ReportMetric(float64(conflicts.Load())/float64(b.N), "conflicts/op")
	b.ReportMetric(float64(booked.Load())/float64(b.N), "booked/op")
}
