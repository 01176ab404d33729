package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/offsync/offsync/core"
)

// validTarget checks a path's kind and id, answering 400 when they are illegal.
func validTarget(w http.ResponseWriter, kind, id string) bool {
	switch {
	case !core.ValidKind(kind):
		writeError(w, http.StatusBadRequest, codeBadRequest, "kind must match [a-z][a-z0-9_]{0,63}")
	case !validID(id):
		writeError(w, http.StatusBadRequest, codeBadRequest, "id must be 1 to 256 bytes of UTF-8 without NUL")
	case reservedKinds[kind]:
		writeError(w, http.StatusBadRequest, codeBadRequest, reservedKindMsg)
	default:
		return true
	}
	return false
}

// validID is core.ValidID plus what every backend can store as text: valid UTF-8, no NUL.
func validID(id string) bool {
	return core.ValidID(id) && utf8.ValidString(id) && !strings.Contains(id, "\x00")
}

// validKey bounds idempotency keys the same way ("" means none was sent).
func validKey(k string) bool { return k == "" || validID(k) }

func headerTrue(r *http.Request, name string) bool {
	v := strings.ToLower(strings.TrimSpace(r.Header.Get(name)))
	return v == "true" || v == "1"
}

// bodyReserve is the most readBody allocates before a body's bytes arrive: a Content-Length
// is only announced, and a client may announce 8 MiB and send nothing.
const bodyReserve = 64 << 10

// readBody reads at most limit bytes, answering 413 beyond that.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, bool) {
	if r.ContentLength > limit {
		writeError(w, http.StatusRequestEntityTooLarge, codeTooLarge, "body is larger than the server's limit")
		return nil, false
	}
	b, err := readGrowing(http.MaxBytesReader(w, r.Body, limit), r.ContentLength)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, codeTooLarge, "body is larger than the server's limit")
		return nil, false
	case err != nil:
		writeError(w, http.StatusBadRequest, codeBadRequest, "could not read the body")
		return nil, false
	}
	return b, true
}

// readGrowing reads rd to its end into a buffer that starts at bodyReserve at most and doubles
// as bytes arrive, never past the announced length (-1: unknown) plus the byte that shows the
// end: it holds at most twice what was received, and a body sent as announced fits without a
// copy past its length (growing from 512 B, as io.ReadAll does, allocated ~4× a batch body).
func readGrowing(rd io.Reader, announced int64) ([]byte, error) {
	want := func(size int) int {
		if announced >= 0 && int64(size) > announced+1 {
			return int(announced) + 1
		}
		return size
	}
	b := make([]byte, 0, want(bodyReserve))
	for {
		if len(b) == cap(b) {
			b = slices.Grow(b, max(want(2*cap(b)), len(b)+bytes.MinRead)-len(b))
		}
		n, err := rd.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

func (s *Server) handleGet(w http.ResponseWriter, r *http.Request, tenant, kind, id string) {
	if !validTarget(w, kind, id) {
		return
	}
	row, ok, err := s.store.Get(r.Context(), tenant, kind, id)
	switch {
	case err != nil:
		s.internalError(w, r, err)
	case !ok:
		writeError(w, http.StatusNotFound, codeNotFound, "no such record")
	default:
		writeJSON(w, http.StatusOK, row.Doc)
	}
}

func (s *Server) handlePut(w http.ResponseWriter, r *http.Request, tenant, kind, id string) {
	if !validTarget(w, kind, id) {
		return
	}
	body, ok := readBody(w, r, s.cfg.MaxBody)
	if !ok {
		return
	}
	fields, base, hasBase, msg := recordFields(body, id)
	if msg == "" {
		msg = checkRecord(body)
	}
	if msg != "" {
		writeError(w, http.StatusBadRequest, codeBadRequest, msg)
		return
	}
	s.writeOne(w, r, tenant, writeOp{
		key: r.Header.Get("X-Idempotency-Key"), kind: kind, id: id, fields: fields,
		base: base, hasBase: hasBase, force: headerTrue(r, "X-Force-Update"),
	})
}

func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request, tenant, kind, id string) {
	if !validTarget(w, kind, id) {
		return
	}
	q, ok := query(w, r)
	if !ok {
		return
	}
	base, ok := deleteBase(q, r.Header)
	if !ok {
		writeError(w, http.StatusBadRequest, codeBadRequest, "_baseUpdatedAt and X-Base-Updated-At differ")
		return
	}
	s.writeOne(w, r, tenant, writeOp{
		key: r.Header.Get("X-Idempotency-Key"), kind: kind, id: id, del: true,
		base: base, hasBase: base != "", force: headerTrue(r, "X-Force-Delete"),
	})
}

// deleteBase is a DELETE's base: the _baseUpdatedAt query parameter or the X-Base-Updated-At
// header, "a server reads either" (CONTRACT.md "Delete"). Both given and different is refused
// rather than one silently chosen: ok is false.
func deleteBase(q url.Values, h http.Header) (base string, ok bool) {
	qb, hb := q.Get("_baseUpdatedAt"), h.Get("X-Base-Updated-At")
	switch {
	case qb == "":
		return hb, true
	case hb == "" || hb == qb:
		return qb, true
	}
	return "", false
}

func (s *Server) writeOne(w http.ResponseWriter, r *http.Request, tenant string, o writeOp) {
	if !validKey(o.key) {
		writeError(w, http.StatusBadRequest, codeBadRequest, "X-Idempotency-Key must be at most 256 bytes of UTF-8 without NUL")
		return
	}
	out, err := s.apply(r.Context(), tenant, []writeOp{o}, unbounded)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, out[0].status, out[0].body)
}
