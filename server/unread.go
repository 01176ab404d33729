package server

import (
	"io"
	"net/http"
	"time"
)

// guardUnread makes an error answered before the request's body was read to its end (401,
// 404, 413, a malformed query, …) close the connection: net/http would otherwise wait for up to
// 256 KiB of a body that may never come before it reads the next request.
func guardUnread(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	if r.ContentLength == 0 || r.Body == nil || r.Body == http.NoBody {
		return w, r
	}
	b := &trackedBody{ReadCloser: r.Body}
	r2 := *r
	r2.Body = b
	return &unreadGuard{ResponseWriter: w, body: b}, &r2
}

// trackedBody notes when a request body was read to its end.
type trackedBody struct {
	io.ReadCloser
	eof bool
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.eof = true
	}
	return n, err
}

type unreadGuard struct {
	http.ResponseWriter
	body *trackedBody
}

func (g *unreadGuard) WriteHeader(status int) {
	if status >= 400 && !g.body.eof {
		g.Header().Set("Connection", "close")
		// The read of the rest of the body after the handler then ends at once.
		_ = http.NewResponseController(g.ResponseWriter).SetReadDeadline(time.Now())
	}
	g.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (g *unreadGuard) Unwrap() http.ResponseWriter { return g.ResponseWriter }
