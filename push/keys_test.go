package push

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"testing"
)

func TestDecodeKeys(t *testing.T) {
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	point := priv.PublicKey().Bytes()
	auth := make([]byte, 16)
	rand.Read(auth)
	notOnCurve := append([]byte{4}, make([]byte, 64)...)
	compressed := append([]byte{2}, point[1:33]...)

	tests := []struct {
		name string
		keys Keys
		ok   bool
	}{
		{"base64url raw", Keys{base64.RawURLEncoding.EncodeToString(point), base64.RawURLEncoding.EncodeToString(auth)}, true},
		{"base64url padded", Keys{base64.URLEncoding.EncodeToString(point), base64.URLEncoding.EncodeToString(auth)}, true},
		{"standard base64", Keys{base64.StdEncoding.EncodeToString(point), base64.StdEncoding.EncodeToString(auth)}, true},
		{"empty", Keys{}, false},
		{"auth 15 bytes", Keys{base64.RawURLEncoding.EncodeToString(point), base64.RawURLEncoding.EncodeToString(auth[:15])}, false},
		{"auth 17 bytes", Keys{base64.RawURLEncoding.EncodeToString(point), base64.RawURLEncoding.EncodeToString(append(auth, 1))}, false},
		{"p256dh compressed", Keys{base64.RawURLEncoding.EncodeToString(compressed), base64.RawURLEncoding.EncodeToString(auth)}, false},
		{"p256dh not on curve", Keys{base64.RawURLEncoding.EncodeToString(notOnCurve), base64.RawURLEncoding.EncodeToString(auth)}, false},
		{"p256dh truncated", Keys{base64.RawURLEncoding.EncodeToString(point[:64]), base64.RawURLEncoding.EncodeToString(auth)}, false},
		{"not base64", Keys{"!!!!", "????"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, a, err := decodeKeys(tt.keys)
			if !tt.ok {
				if !errors.Is(err, ErrBadKeys) {
					t.Fatalf("err = %v, want ErrBadKeys", err)
				}
				return
			}
			if err != nil || len(p) != 65 || len(a) != 16 {
				t.Fatalf("decodeKeys = %d, %d bytes, %v", len(p), len(a), err)
			}
		})
	}
}

func FuzzDecodeKeys(f *testing.F) {
	f.Add("BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM", "tBHItJI5svbpez7KI4CCXg")
	f.Fuzz(func(t *testing.T, p256dh, auth string) {
		p, a, err := decodeKeys(Keys{P256dh: p256dh, Auth: auth})
		if err == nil && (len(p) != 65 || p[0] != 4 || len(a) != 16) {
			t.Fatalf("accepted %d-byte p256dh, %d-byte auth", len(p), len(a))
		}
	})
}
