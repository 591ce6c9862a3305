package media

import (
	"time"

	"github.com/pion/rtcp"
)

// readRTCP is a down track's RTCP goroutine: it feeds the interceptors
// (NACK responder, congestion control, reports) by reading, forwards the
// subscriber's keyframe requests upstream (throttled per layer by
// upTrack.requestKeyframe) and records receiver reports for the quality
// score. It returns when the sender stops.
func (d *downTrack) readRTCP() {
	defer d.sub.wg.Done()
	buf := make([]byte, readBuffer)
	for {
		n, _, err := d.sender.Read(buf)
		if err != nil {
			return
		}
		pkts, err := rtcp.Unmarshal(buf[:n])
		if err != nil {
			continue
		}
		for _, p := range pkts {
			switch v := p.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				d.up.requestKeyframe(d.keyframeLayer())
			case *rtcp.ReceiverReport:
				d.onReports(v.Reports)
			case *rtcp.TransportLayerNack:
				d.sub.room.sfu.nacks.Add(1) // the NACK responder interceptor resends
			}
		}
	}
}

// onReports records the report blocks about this track.
func (d *downTrack) onReports(reports []rtcp.ReceptionReport) {
	ssrc := d.outSSRC()
	for _, r := range reports {
		if r.SSRC != ssrc {
			continue
		}
		jitterMs := 0.0
		if d.clock > 0 {
			jitterMs = float64(r.Jitter) * 1000 / float64(d.clock)
		}
		d.sub.rr.add(r.FractionLost, jitterMs, reportRTT(r.LastSenderReport, r.Delay, time.Now()))
	}
}

// reportRTT computes a round-trip time in ms from a report block's LSR and
// DLSR (RFC 3550 §6.4.1), or -1 when the block carries no sender report.
func reportRTT(lsr, dlsr uint32, now time.Time) float64 {
	if lsr == 0 {
		return -1
	}
	rtt := ntpMiddle(now) - lsr - dlsr
	if int32(rtt) < 0 {
		return -1
	}
	return float64(rtt) * 1000 / 65536
}

// ntpMiddle is the middle 32 bits of the NTP timestamp of t.
func ntpMiddle(t time.Time) uint32 {
	const ntpEpochOffset = 2208988800
	sec := uint64(t.Unix()) + ntpEpochOffset
	frac := uint64(t.Nanosecond()) << 32 / 1e9
	return uint32(sec<<16 | frac>>16)
}
