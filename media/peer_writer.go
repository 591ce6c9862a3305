package media

import (
	"time"

	"github.com/pion/rtp"
)

// mediaWriter produces a publication's packets, reusing its buffers.
type mediaWriter struct {
	p       *publication
	shape   mediaShape
	midID   uint8
	ridID   uint8
	levelID uint8
	vmid    string
	start   time.Time
	frame   uint32
	pkt     rtp.Packet
	buf     []byte
	aseq    uint16
	vseq    [maxLayers]uint16
	sseq    uint16
	lastKF  time.Time
}

func newMediaWriter(p *publication, shape mediaShape, midID, ridID, levelID uint8, vmid string) *mediaWriter {
	return &mediaWriter{p: p, shape: shape, midID: midID, ridID: ridID, levelID: levelID, vmid: vmid,
		start: time.Now(), lastKF: time.Now(), buf: make([]byte, 1200)}
}

// tick sends the 20 ms audio packet and, when due, one video frame on every
// layer. The first frame and any frame after a PLI is a keyframe.
func (w *mediaWriter) tick(tick int) error {
	if w.p.audio != nil {
		if err := w.audio(tick); err != nil {
			return err
		}
	}
	if len(w.p.video) == 0 && w.p.screen == nil || tick*w.shape.fps/50 == (tick-1)*w.shape.fps/50 && tick > 0 {
		return nil
	}
	if w.p.screen != nil {
		if err := w.screenFrame(); err != nil {
			return err
		}
	}
	periodic := w.shape.keyframeEvery > 0 && time.Since(w.lastKF) >= w.shape.keyframeEvery
	if periodic {
		w.lastKF = time.Now()
	}
	ts := uint32(time.Since(w.start).Seconds() * 90000)
	for i, t := range w.p.video {
		layer := i
		if len(w.p.video) == 1 {
			layer = maxLayers - 1 // a single layer has the top layer's shape
		}
		kf := w.frame == 0 || periodic || w.p.kfWanted[i].Swap(false)
		n := w.shape.layerPackets[layer]
		for k := range n {
			w.reset(ts, w.vseq[i], k == n-1, 96)
			w.vseq[i]++
			if w.p.rids[i] != "" && time.Since(w.start) < extensionWindow {
				_ = w.pkt.Header.SetExtension(w.midID, []byte(w.vmid))
				_ = w.pkt.Header.SetExtension(w.ridID, []byte(w.p.rids[i]))
			}
			payload := w.buf[:w.shape.layerSize[layer]]
			frameHeader(payload, k == 0, kf, w.frame, k, i)
			w.pkt.Payload = payload
			if err := t.WriteRTP(&w.pkt); err != nil {
				return err
			}
			w.p.sent.Add(1)
		}
	}
	w.frame++
	return nil
}

// audio sends one Opus-sized packet with the audio-level extension.
func (w *mediaWriter) audio(tick int) error {
	w.reset(uint32(tick*960), w.aseq, true, 111)
	w.aseq++
	if w.levelID != 0 {
		_ = w.pkt.Header.SetExtension(w.levelID, []byte{w.shape.audioLevel})
	}
	payload := w.buf[:100]
	frameHeader(payload, true, false, uint32(tick), 0, 0)
	w.pkt.Payload = payload
	if err := w.p.audio.WriteRTP(&w.pkt); err != nil {
		return err
	}
	w.p.sent.Add(1)
	return nil
}

// reset prepares the reused packet header.
func (w *mediaWriter) reset(ts uint32, seq uint16, marker bool, pt uint8) {
	h := &w.pkt.Header
	h.Version, h.Marker, h.PayloadType, h.SequenceNumber, h.Timestamp = 2, marker, pt, seq, ts
	h.Extension, h.Extensions = false, h.Extensions[:0]
}

// screenFrame sends one two-packet frame on the screen track, every frame
// a keyframe (a static screen is cheap to refresh).
func (w *mediaWriter) screenFrame() error {
	ts := uint32(time.Since(w.start).Seconds() * 90000)
	for k := range 2 {
		w.reset(ts, w.sseq, k == 1, 96)
		w.sseq++
		payload := w.buf[:600]
		frameHeader(payload, k == 0, true, w.frame, k, 0)
		w.pkt.Payload = payload
		if err := w.p.screen.WriteRTP(&w.pkt); err != nil {
			return err
		}
		w.p.sent.Add(1)
	}
	if len(w.p.video) == 0 {
		w.frame++
	}
	return nil
}
