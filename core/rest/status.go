package rest

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/offsync/offsync/core"
	"github.com/offsync/offsync/internal/jsonv"
)

// serverTime is the response's Date header, zero when absent or malformed.
func serverTime(resp *Response) time.Time {
	t, _ := parseHTTPDate(resp.Header["date"])
	return t
}

// retryAfter reads Retry-After as delay-seconds or an HTTP date. A date is measured from the
// response's own Date when it has one, so a skewed device clock does not distort it.
func (t *Transport) retryAfter(resp *Response) time.Duration {
	v := strings.TrimSpace(resp.Header["retry-after"])
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		return time.Duration(min(n, maxRetryAfterSeconds)) * time.Second
	}
	at, ok := parseHTTPDate(v)
	if !ok {
		return 0
	}
	now := serverTime(resp)
	if now.IsZero() {
		now = t.cfg.Now()
	}
	if d := at.Sub(now); d > 0 {
		return d
	}
	return 0
}

// serverMessage is the human text of an error response: its JSON "message" (or "error" when
// that is a string), else a short description of what came back.
func serverMessage(status int, body []byte, contentType string) string {
	var text string
	if jsonString(body, &text) && text != "" && !looksLikeHTML([]byte(text)) {
		return text
	}
	// CONTRACT.md's error body: {"error": ..., "message": "..."}; a message that is not a
	// string makes the body unreadable as one.
	if eb, ok := rawFields(body, "error", "message"); ok {
		var msg string
		if eb[1] == nil || jsonv.String(eb[1], &msg) == nil {
			if msg != "" {
				return msg
			}
			var s string
			if jsonString(eb[0], &s) && s != "" {
				return s
			}
		}
	}
	msg := "HTTP " + strconv.Itoa(status)
	if contentType != "" {
		msg += " (" + contentType + ")"
	}
	if snippet := textSnippet(body); snippet != "" && !looksLikeHTML(body) {
		msg += ": " + snippet
	}
	return msg
}

// textSnippet is the start of a body for an error message, on one line.
func textSnippet(body []byte) string {
	const max = 200
	s := strings.TrimSpace(string(body))
	if len(s) > max {
		s = s[:max] + "…"
	}
	return strings.Join(strings.Fields(s), " ")
}

// maxRetryAfterSeconds bounds a Retry-After in seconds (a year; the engine waits at most
// backoffMax anyway): a larger one overflowed time.Duration into a short wait.
const maxRetryAfterSeconds = 365 * 24 * 3600

// looksLikeHTML spots a web page (a proxy's or portal's) where JSON was expected.
func looksLikeHTML(body []byte) bool {
	b := bytes.TrimSpace(body)
	if len(b) > 0 && b[0] == '<' {
		return true
	}
	head := b[:min(len(b), 512)]
	return containsFold(head, "<html") || containsFold(head, "<!doctype")
}

// containsFold reports whether b holds marker (lower-case ASCII) with its letters in either
// case, without copying b: looksLikeHTML runs on every acknowledged record of a push.
func containsFold(b []byte, marker string) bool {
	for i := 0; i+len(marker) <= len(b); i++ {
		j := bytes.IndexByte(b[i:len(b)-len(marker)+1], marker[0])
		if j < 0 {
			return false
		}
		i += j
		k := 1
		for k < len(marker) && (b[i+k]|0x20 == marker[k] && isLetter(marker[k]) || b[i+k] == marker[k]) {
			k++
		}
		if k == len(marker) {
			return true
		}
	}
	return false
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' }

// statusError categorises a non-2xx answer to a call as a whole: 401/403 auth, 408/429/5xx
// server (retryable, with Retry-After), other 4xx invalid (our request was refused),
// anything else protocol.
func (t *Transport) statusError(op string, resp *Response) error {
	msg := serverMessage(resp.Status, resp.Body, resp.Header["content-type"])
	var e *core.Error
	switch s := resp.Status; {
	case s == 401 || s == 403:
		e = core.Errorf(core.CodeAuth, op, "HTTP %d: %s", s, msg)
	case s == 408 || s == 429 || s >= 500:
		e = core.Errorf(core.CodeServer, op, "HTTP %d: %s", s, msg)
		e.RetryAfter = t.retryAfter(resp)
	case s >= 400:
		e = core.Errorf(core.CodeInvalid, op, "HTTP %d: %s", s, msg)
	default:
		e = core.Errorf(core.CodeProtocol, op, "unexpected HTTP %d: %s", s, msg)
	}
	e.HTTPStatus = resp.Status
	return e
}

// protocolError reports an answer that breaks the contract (e.g. an unparseable 2xx body).
func protocolError(op string, resp *Response, what string, err error) error {
	var e *core.Error
	switch ct := resp.Header["content-type"]; {
	case looksLikeHTML(resp.Body):
		e = core.Errorf(core.CodeProtocol, op, "HTTP %d: %s: got an HTML page (%s), not JSON", resp.Status, what, ct)
	case err != nil:
		e = core.Errorf(core.CodeProtocol, op, "HTTP %d: %s: %w", resp.Status, what, err)
	default:
		e = core.Errorf(core.CodeProtocol, op, "HTTP %d: %s", resp.Status, what)
	}
	e.HTTPStatus = resp.Status
	return e
}

func is2xx(s int) bool { return s >= 200 && s < 300 }
