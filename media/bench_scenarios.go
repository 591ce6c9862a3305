package media

import (
	"context"
	"fmt"
	"io"
	"time"
)

// benchSFU starts a loopback SFU for one scenario, under the SFU's label.
func benchSFU(opts BenchOptions, maxStreams int) (s *SFU, err error) {
	onSFU(func() {
		s, err = NewSFU(Config{UDPAddr: "127.0.0.1:0", LoopbackOnly: true, MaxStreams: maxStreams, StartBitrate: 8_000_000}, opts.Log)
	})
	return s, err
}

// benchRoom opens a room under the SFU's label.
func benchRoom(s *SFU, id string) (r *Room, err error) {
	onSFU(func() { r, err = s.OpenRoom(id, RoomOptions{}) })
	return r, err
}

// benchPeer makes a loopback peer that publishes audio and simulcast video.
func benchPeer(id string) (*peer, error) {
	p, err := newPeer(id, peerOptions{audio: true, video: true, simulcast: true, loopback: true})
	if p != nil {
		p.sfuLabel = true
	}
	return p, err
}

// pinnedEstimate is the bench subscribers' bandwidth: enough for every
// top layer, so the forwarding load is the same on every run.
const pinnedEstimate = 50_000_000

// joinAndPublish joins a bench peer; on error the peer is closed.
func joinAndPublish(p *peer, r *Room) error {
	if err := p.join(r, RoleGuest); err != nil {
		p.close()
		return err
	}
	p.part.estimateOverride.Store(pinnedEstimate)
	if err := p.publish(); err != nil {
		p.close()
		return err
	}
	return nil
}

// benchGroup runs one room where everyone publishes and sees everyone.
func benchGroup(ctx context.Context, out io.Writer, opts BenchOptions) error {
	s, err := benchSFU(opts, 100_000)
	if err != nil {
		return err
	}
	defer s.Close()
	r, err := benchRoom(s, "bench-group")
	if err != nil {
		return err
	}
	var peers []*peer
	defer func() { closePeers(peers) }()
	for i := range opts.GroupSize {
		p, err := benchPeer(fmt.Sprintf("g%d", i))
		if err != nil {
			return err
		}
		if err := joinAndPublish(p, r); err != nil {
			return err
		}
		peers = append(peers, p)
	}
	w, err := measure(ctx, s, peers, 5*time.Second, opts.Window)
	if err != nil {
		return err
	}
	w.report(out, fmt.Sprintf("one %d-person room", opts.GroupSize))
	return nil
}

// benchPairs runs many concurrent 1:1 visits.
func benchPairs(ctx context.Context, out io.Writer, opts BenchOptions) error {
	s, err := benchSFU(opts, 100_000)
	if err != nil {
		return err
	}
	defer s.Close()
	var peers []*peer
	defer func() { closePeers(peers) }()
	for i := range opts.Pairs {
		added, err := benchVisit(s, fmt.Sprintf("pair-%d", i))
		peers = append(peers, added...)
		if err != nil {
			return err
		}
	}
	w, err := measure(ctx, s, peers, 5*time.Second, opts.Window)
	if err != nil {
		return err
	}
	w.report(out, fmt.Sprintf("%d concurrent 1:1 visits", opts.Pairs))
	return nil
}

// benchVisit opens a 1:1 room with two publishing peers. It returns the
// peers it created even on error, for closing.
func benchVisit(s *SFU, id string) ([]*peer, error) {
	r, err := benchRoom(s, id)
	if err != nil {
		return nil, err
	}
	var peers []*peer
	for _, who := range []string{"a", "b"} {
		p, err := benchPeer(id + "-" + who)
		if err != nil {
			return peers, err
		}
		if err := joinAndPublish(p, r); err != nil {
			return peers, err
		}
		peers = append(peers, p)
	}
	return peers, nil
}
