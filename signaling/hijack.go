package signaling

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
)

// Buffer sizes of an upgraded connection. net/http hands a hijacker its
// 4 KiB reader and writer; frames are mostly far smaller, and 20,000 idle
// connections should cost little, so the hub swaps in smaller buffers.
const (
	leanReadBuf  = 1024
	leanWriteBuf = 2048
)

// leanWriter wraps the ResponseWriter given to ServeHTTP so that the
// WebSocket library, when it hijacks the connection, gets small buffers.
type leanWriter struct{ http.ResponseWriter }

// Unwrap returns the wrapped ResponseWriter (for http.ResponseController).
func (w leanWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Hijack hijacks the underlying connection and returns it with a small
// reader (holding any bytes the server had already buffered) and writer.
func (w leanWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	n := brw.Reader.Buffered()
	if n > leanReadBuf || brw.Writer.Buffered() > 0 {
		return conn, brw, nil
	}
	pending, _ := brw.Reader.Peek(n)
	r := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(bytes.Clone(pending)), conn), leanReadBuf)
	if n > 0 {
		if _, err := r.Peek(n); err != nil {
			return nil, nil, err
		}
	}
	return conn, bufio.NewReadWriter(r, bufio.NewWriterSize(conn, leanWriteBuf)), nil
}
