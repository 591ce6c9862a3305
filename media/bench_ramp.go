package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// benchRamp adds 1:1 visits until admission control refuses one, then
// measures delivery at that point while more visits keep being refused,
// and again just below it after one visit ends.
func benchRamp(ctx context.Context, out io.Writer, opts BenchOptions) error {
	s, err := benchSFU(opts, opts.RampBudget)
	if err != nil {
		return err
	}
	defer s.Close()
	var visits [][]*peer
	defer func() {
		for _, v := range visits {
			closePeers(v)
		}
	}()
	admitted := 0
	for ; ; admitted++ {
		peers, err := benchVisit(s, fmt.Sprintf("ramp-%d", admitted))
		if errors.Is(err, ErrAtCapacity) {
			closePeers(peers)
			closeRoom(s, fmt.Sprintf("ramp-%d", admitted))
			break
		}
		visits = append(visits, peers)
		if err != nil {
			return err
		}
		if admitted > 10_000 {
			return errors.New("admission never refused")
		}
	}
	fmt.Fprintf(out, "  ramp of 1:1 visits (budget %d streams): visit %d refused with %q; %d admitted (%d streams reserved)\n",
		opts.RampBudget, admitted+1, ErrAtCapacity.Message, admitted, s.Stats().Streams)
	all := func() []*peer {
		var ps []*peer
		for _, v := range visits {
			ps = append(ps, v...)
		}
		return ps
	}

	// At the point of refusal: keep offering one more visit every 500 ms.
	refused := make(chan int, 1)
	stop := make(chan struct{})
	go func() {
		n := 0
		for {
			select {
			case <-stop:
				refused <- n
				return
			case <-time.After(500 * time.Millisecond):
			}
			peers, err := benchVisit(s, "ramp-extra")
			closePeers(peers)
			closeRoom(s, "ramp-extra")
			if errors.Is(err, ErrAtCapacity) {
				n++
			}
		}
	}()
	w, err := measure(ctx, s, all(), 4*time.Second, opts.Window/2)
	close(stop)
	extra := <-refused
	if err != nil {
		return err
	}
	w.report(out, fmt.Sprintf("at capacity (%d visits, %d more refused meanwhile)", admitted, extra))

	// Just below: one visit ends; a new join is admitted again.
	last := visits[len(visits)-1]
	visits = visits[:len(visits)-1]
	closePeers(last)
	closeRoom(s, fmt.Sprintf("ramp-%d", admitted-1))
	w, err = measure(ctx, s, all(), time.Second, opts.Window/2)
	if err != nil {
		return err
	}
	w.report(out, fmt.Sprintf("just below (%d visits)", admitted-1))
	peers, err := benchVisit(s, "ramp-again")
	closePeers(peers)
	closeRoom(s, "ramp-again")
	fmt.Fprintf(out, "    a new visit after one ended: admitted=%v\n", err == nil)
	return nil
}

// closeRoom closes a room if it is open.
func closeRoom(s *SFU, id string) {
	if r, err := s.Room(id); err == nil {
		r.Close()
	}
}
