package server

import (
	"bytes"
	"slices"

	"github.com/offsync/offsync/internal/jsonscan"
)

// plainDoc builds an upsert's stored record without decoding it into a map: body's members
// minus the server's fields, with id set, sorted by key — the bytes json.Marshal writes for
// recordFields' map — split where "updatedAt" goes. ok is false when body needs recordFields:
// not an object, keys or values encoding/json would escape or compact differently, a duplicate
// key, an _baseUpdatedAt, or an id other than the path's. body must be valid JSON.
func plainDoc(body []byte, id string) (head, tail []byte, ok bool) {
	i := jsonscan.SkipWS(body, 0)
	if i >= len(body) || body[i] != '{' {
		return nil, nil, false
	}
	idJSON := jsonString(id)
	ms := make([]member, 0, 16)
	size := len(idJSON) + 8
	for i = jsonscan.SkipWS(body, i+1); i < len(body) && body[i] != '}'; {
		kEnd, _ := jsonscan.SkipValue(body, i) // body is valid JSON: it ends
		key := body[i+1 : kEnd-1]
		vStart := jsonscan.SkipWS(body, jsonscan.SkipWS(body, kEnd)+1) // past the ':'
		vEnd, _ := jsonscan.SkipValue(body, vStart)
		val := body[vStart:vEnd]
		if !plainKey(key) || !plainValue(val) {
			return nil, nil, false
		}
		switch string(key) {
		case "_baseUpdatedAt":
			return nil, nil, false
		case "id":
			if !bytes.Equal(val, idJSON) {
				return nil, nil, false
			}
		case "updatedAt", "deletedAt", "updated_at", "deleted_at":
		default:
			ms = append(ms, member{key, val})
			size += len(key) + len(val) + 4
		}
		if i = jsonscan.SkipWS(body, vEnd); i < len(body) && body[i] == ',' {
			i = jsonscan.SkipWS(body, i+1)
		}
	}
	ms = append(ms, member{[]byte("id"), idJSON})
	slices.SortFunc(ms, func(a, b member) int { return bytes.Compare(a.key, b.key) })
	for j := 1; j < len(ms); j++ {
		if bytes.Equal(ms[j-1].key, ms[j].key) {
			return nil, nil, false
		}
	}
	at, _ := slices.BinarySearchFunc(ms, []byte("updatedAt"), func(m member, k []byte) int { return bytes.Compare(m.key, k) })
	head = make([]byte, 0, size)
	head = append(head, '{')
	for _, m := range ms[:at] {
		head = m.appendTo(head)
		head = append(head, ',')
	}
	tail = make([]byte, 0, size-len(head))
	for _, m := range ms[at:] {
		tail = append(tail, ',')
		tail = m.appendTo(tail)
	}
	return head, append(tail, '}'), true
}

type member struct{ key, val []byte }

func (m member) appendTo(b []byte) []byte {
	b = append(b, '"')
	b = append(b, m.key...)
	b = append(b, '"', ':')
	return append(b, m.val...)
}

// plainKey: printable ASCII that encoding/json writes back unchanged (no escapes, no <>&).
func plainKey(k []byte) bool {
	for _, c := range k {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// plainValue: a value json.Marshal copies as is: compact (no space outside strings), without
// the characters it escapes in strings (<, >, &, U+2028, U+2029).
func plainValue(v []byte) bool {
	in := false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '<' || c == '>' || c == '&':
			return false
		case c == 0xE2 && i+2 < len(v) && v[i+1] == 0x80 && (v[i+2] == 0xA8 || v[i+2] == 0xA9):
			return false
		case in && c == '\\':
			i++
		case c == '"':
			in = !in
		case !in && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			return false
		}
	}
	return true
}
