package media

import (
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/transport/v5/vnet"
)

// vnetSetup is a virtual LAN (pion/transport/v5 vnet, the version
// webrtc/v4 uses) with the SFU, a publisher and a subscriber, where tests
// put filters on the subscriber's or the SFU's inbound link.
type vnetSetup struct {
	wan                 *vnet.Router
	sfuNet, pubNet, sub *vnet.Net
}

// newVnet builds the LAN; wrap (may be nil) wraps the SFU's and the
// subscriber's NICs, in that order, before they join the router.
func newVnet(t *testing.T, wrapSFU, wrapSub func(vnet.NIC) vnet.NIC) *vnetSetup {
	t.Helper()
	wan, err := vnet.NewRouter(&vnet.RouterConfig{CIDR: "10.0.0.0/24", LoggerFactory: pionLogs{testLogger(t)}})
	if err != nil {
		t.Fatal(err)
	}
	v := &vnetSetup{wan: wan}
	nets := []**vnet.Net{&v.sfuNet, &v.pubNet, &v.sub}
	wraps := []func(vnet.NIC) vnet.NIC{wrapSFU, nil, wrapSub}
	for i, ip := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.3"} {
		n, err := vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{ip}})
		if err != nil {
			t.Fatal(err)
		}
		*nets[i] = n
		var nic vnet.NIC = n
		if wraps[i] != nil {
			nic = wraps[i](n)
		}
		if err := wan.AddNet(nic); err != nil {
			t.Fatal(err)
		}
	}
	if err := wan.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = wan.Stop() })
	return v
}

// newVnetSFU starts an SFU on the virtual network.
func newVnetSFU(t *testing.T, v *vnetSetup) *SFU {
	t.Helper()
	s, err := newSFU(Config{}, testLogger(t), v.sfuNet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// lossy wraps a NIC so that chance percent of its inbound packets vanish.
func lossy(t *testing.T, chance int) func(vnet.NIC) vnet.NIC {
	return func(n vnet.NIC) vnet.NIC {
		f, err := vnet.NewLossFilter(n, chance, vnet.WithLossSeed(int64(chance)*7919))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
}

// uniqueSeqs records the distinct sequence numbers of a received source.
type uniqueSeqs struct {
	mu   sync.Mutex
	seen map[uint16]bool
	dups int
}

func (u *uniqueSeqs) observe(source, want string, p *rtp.Packet) {
	if source != want {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.seen == nil {
		u.seen = map[uint16]bool{}
	}
	if u.seen[p.SequenceNumber] {
		u.dups++
	}
	u.seen[p.SequenceNumber] = true
}

// ratio is distinct packets over the span from the lowest to the highest
// sequence number (no wrap in a short test).
func (u *uniqueSeqs) ratio() (got, span int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	lo, hi := -1, -1
	for s := range u.seen {
		if lo < 0 || int(s) < lo {
			lo = int(s)
		}
		hi = max(hi, int(s))
	}
	if lo < 0 {
		return 0, 0
	}
	return len(u.seen), hi - lo + 1
}

// TestNACKRecoversLossOnVnet loses 5% of packets on the publisher→SFU
// link and 5% on the SFU→subscriber link; NACKs upstream (SFU's generator,
// publisher's responder) and downstream (subscriber's generator, SFU's
// responder cache) must bring the subscriber to at least 99% of the video.
func TestNACKRecoversLossOnVnet(t *testing.T) {
	ctx := mediaTest(t, 50*time.Second)
	v := newVnet(t, lossy(t, 5), lossy(t, 5))
	s := newVnetSFU(t, v)
	r := newTestRoom(t, s, "visit-loss", RoomOptions{})
	var seqs uniqueSeqs
	pub := joinPeer(t, r, "alice", RoleHost, peerOptions{video: true, net: v.pubNet})
	sub := joinPeer(t, r, "bob", RoleGuest, peerOptions{net: v.sub, onRTP: func(_, src string, p *rtp.Packet) { seqs.observe(src, SourceCamera, p) }})

	eventually(ctx, t, "300 video packets at the subscriber", func() bool { return sub.packetsFrom("alice", SourceCamera) >= 300 })
	pub.pub.stop()
	time.Sleep(1500 * time.Millisecond) // let the last NACKs be answered
	got, span := seqs.ratio()
	if span < 300 || float64(got) < 0.99*float64(span) {
		t.Errorf("subscriber has %d of %d video packets (%.2f%%); want ≥ 99%% with NACK", got, span, 100*float64(got)/float64(span))
	}
	if pub.pub.nacks.Load() == 0 || s.Stats().NACKsReceived == 0 {
		t.Errorf("NACKs: %d reached the publisher, %d the SFU; want both links lossy and repaired", pub.pub.nacks.Load(), s.Stats().NACKsReceived)
	}
	t.Logf("recovered: %d of %d packets (%.2f%%), %d duplicates", got, span, 100*float64(got)/float64(span), seqs.dups)
}
