package account

import "testing"

func TestDummyHashUsesCurrentParameters(t *testing.T) {
	p, err := parsePHC(dummyHash)
	if err != nil {
		t.Fatal(err)
	}
	if p.memory != argonMemoryKiB || p.time != argonTime || p.threads != argonThreads || len(p.key) != argonKeyLen {
		t.Fatalf("dummy hash parameters %+v differ from the current ones: unknown emails would answer faster", p)
	}
	if ok, err := verifyPassword("haven dummy password for timing", dummyHash); !ok || err != nil {
		t.Fatalf("dummy hash does not verify: %v, %v", ok, err)
	}
}
