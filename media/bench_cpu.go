package media

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"runtime/pprof"
	"time"
)

// The bench attributes CPU with profiler labels: everything the SFU does
// runs under side=sfu (NewSFU, OpenRoom and every call from a peer into the
// SFU are wrapped, and goroutines inherit labels from their creator), the
// generator under side=gen. A CPU profile over the window is then split by
// label; samples with no label (garbage collection, runtime timers) are
// shared in proportion.

const labelSide = "side"

// onSFU runs f with the SFU's profiler label. Its callers are all
// generator code, so the generator's label is set again afterwards
// (pprof.Do would restore the labels of its context argument, none).
func onSFU(f func()) {
	pprof.Do(context.Background(), pprof.Labels(labelSide, "sfu"), func(context.Context) { f() })
	pprof.SetGoroutineLabels(generatorLabels())
}

// onGenerator runs f with the generator's profiler label.
func onGenerator(f func()) {
	pprof.Do(generatorLabels(), pprof.Labels(), func(context.Context) { f() })
}

func generatorLabels() context.Context {
	return pprof.WithLabels(context.Background(), pprof.Labels(labelSide, "gen"))
}

// cpuSplit is CPU time by side over a profiled window.
type cpuSplit struct {
	sfu, gen, other time.Duration
}

// sfuShare is the SFU's CPU with unlabeled time shared in proportion.
func (c cpuSplit) sfuShare() time.Duration {
	if c.sfu+c.gen == 0 {
		return 0
	}
	return c.sfu + time.Duration(float64(c.other)*float64(c.sfu)/float64(c.sfu+c.gen))
}

// profileWindow profiles the CPU while f runs; ok is false when another
// profile is already running in the process.
func profileWindow(f func() error) (cpuSplit, bool, error) {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		return cpuSplit{}, false, f()
	}
	err := f()
	pprof.StopCPUProfile()
	if err != nil {
		return cpuSplit{}, true, err
	}
	split, perr := splitProfile(&buf)
	return split, perr == nil, perr
}

// splitProfile sums a gzipped pprof CPU profile's CPU time by the side label.
func splitProfile(r io.Reader) (cpuSplit, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return cpuSplit{}, err
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return cpuSplit{}, err
	}
	type sample struct {
		cpu        int64
		key, value int64 // string indexes of the side label, -1 if none
	}
	var samples []sample
	var strs []string
	err = protoFields(data, func(field int, v uint64, b []byte) error {
		switch field {
		case 2: // Sample
			s := sample{key: -1, value: -1}
			err := protoFields(b, func(f int, v uint64, b []byte) error {
				switch f {
				case 2: // value, packed or not; the last one is CPU ns
					if b == nil {
						s.cpu = int64(v) //nolint:gosec // profile values fit
						return nil
					}
					return protoVarints(b, func(x uint64) { s.cpu = int64(x) }) //nolint:gosec // as above
				case 3: // Label{key=1, str=2}
					var k, val int64
					if err := protoFields(b, func(f int, v uint64, _ []byte) error {
						if f == 1 {
							k = int64(v) //nolint:gosec // string index
						} else if f == 2 {
							val = int64(v) //nolint:gosec // string index
						}
						return nil
					}); err != nil {
						return err
					}
					s.key, s.value = k, val
				}
				return nil
			})
			samples = append(samples, s)
			return err
		case 6: // string_table
			strs = append(strs, string(b))
		}
		return nil
	})
	if err != nil {
		return cpuSplit{}, err
	}
	var out cpuSplit
	for _, s := range samples {
		d := time.Duration(s.cpu)
		side := ""
		if s.key >= 0 && int(s.key) < len(strs) && strs[s.key] == labelSide && int(s.value) < len(strs) {
			side = strs[s.value]
		}
		switch side {
		case "sfu":
			out.sfu += d
		case "gen":
			out.gen += d
		default:
			out.other += d
		}
	}
	return out, nil
}

var errProto = errors.New("malformed profile")

// protoFields walks one protobuf message, calling f with each field's
// number and its varint value (b nil) or its bytes (length-delimited).
func protoFields(data []byte, f func(field int, v uint64, b []byte) error) error {
	for len(data) > 0 {
		key, n := uvarint(data)
		if n <= 0 {
			return errProto
		}
		data = data[n:]
		field, wire := int(key>>3), key&7 //nolint:gosec // field numbers are small
		switch wire {
		case 0:
			v, n := uvarint(data)
			if n <= 0 {
				return errProto
			}
			data = data[n:]
			if err := f(field, v, nil); err != nil {
				return err
			}
		case 1, 5:
			size := 8
			if wire == 5 {
				size = 4
			}
			if len(data) < size {
				return errProto
			}
			data = data[size:]
		case 2:
			l, n := uvarint(data)
			if n <= 0 || uint64(len(data)-n) < l {
				return errProto
			}
			b := data[n : n+int(l)] //nolint:gosec // bounded above
			data = data[n+int(l):]  //nolint:gosec // bounded above
			if err := f(field, 0, b); err != nil {
				return err
			}
		default:
			return errProto
		}
	}
	return nil
}

// protoVarints decodes a packed run of varints.
func protoVarints(b []byte, f func(uint64)) error {
	for len(b) > 0 {
		v, n := uvarint(b)
		if n <= 0 {
			return errProto
		}
		f(v)
		b = b[n:]
	}
	return nil
}

// uvarint reads one varint: the value and the bytes read (≤ 0 on error).
func uvarint(b []byte) (uint64, int) { return binary.Uvarint(b) }
