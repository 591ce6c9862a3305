package media

import (
	"sync"
	"sync/atomic"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// recvStats counts one received track for delivery ratios.
type recvStats struct {
	from, source string
	packets      atomic.Uint64
	first, last  atomic.Uint64 // extended sequence numbers
	intact       atomic.Uint64 // payloads that passed payloadIntact
	ended        atomic.Bool   // the track's reader saw the end of the track
}

// delivery is received packets over the sequence range seen.
func (s *recvStats) delivery() (received, expected uint64) {
	n := s.packets.Load()
	if n == 0 {
		return 0, 0
	}
	return n, s.last.Load() - s.first.Load() + 1
}

// peerTracks is the set of tracks a peer has received.
type peerTracks struct {
	mu     sync.Mutex
	tracks []*recvStats
}

func (t *peerTracks) add(s *recvStats) {
	t.mu.Lock()
	t.tracks = append(t.tracks, s)
	t.mu.Unlock()
}

func (t *peerTracks) all() []*recvStats {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]*recvStats(nil), t.tracks...)
}

// onTrack reads one received track until it ends, counting packets and
// handing them to opts.onRTP.
func (c *peer) onTrack(tr *webrtc.TrackRemote, rc *webrtc.RTPReceiver) {
	go func() { // sender reports, so receiver reports carry LSR/DLSR
		buf := make([]byte, readBuffer)
		for {
			var err error
			if rid := tr.RID(); rid != "" {
				_, _, err = rc.ReadSimulcast(buf, rid)
			} else {
				_, _, err = rc.Read(buf)
			}
			if err != nil {
				return
			}
		}
	}()
	st := &recvStats{from: tr.StreamID(), source: tr.ID()}
	c.recv.add(st)
	buf := make([]byte, readBuffer)
	var pkt rtp.Packet
	var cycles uint64
	var last uint16
	defer st.ended.Store(true)
	for n := uint64(0); ; n++ {
		k, _, err := tr.Read(buf)
		if err != nil {
			return
		}
		if pkt.Unmarshal(buf[:k]) != nil {
			continue
		}
		if n == 0 {
			last = pkt.SequenceNumber
			st.first.Store(uint64(last))
			st.last.Store(uint64(last))
		} else if seqNewer(pkt.SequenceNumber, last) {
			if pkt.SequenceNumber < last {
				cycles += 1 << 16
			}
			last = pkt.SequenceNumber
			st.last.Store(cycles | uint64(last))
		}
		st.packets.Add(1)
		if payloadIntact(pkt.Payload) {
			st.intact.Add(1)
		}
		c.received.Add(1)
		if c.opts.onRTP != nil {
			c.opts.onRTP(st.from, st.source, &pkt)
		}
	}
}
