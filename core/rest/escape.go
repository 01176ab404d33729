package rest

// Percent-encoding by hand, byte for byte what net/url's PathEscape and QueryEscape produce:
// net/url costs sync.wasm ~46 KB gzip (it drags in net/netip, unique and weak).

// pathEscape escapes s for one path segment, like url.PathEscape.
func pathEscape(s string) string { return escape(s, false) }

// queryEscape escapes s for a query key or value, like url.QueryEscape (space becomes '+').
func queryEscape(s string) string { return escape(s, true) }

func escape(s string, query bool) string {
	hexCount, spaces := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case query && c == ' ':
			spaces++
		case mustEscape(c, query):
			hexCount++
		}
	}
	if hexCount == 0 && spaces == 0 {
		return s
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*hexCount)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case query && c == ' ':
			b = append(b, '+')
		case mustEscape(c, query):
			b = append(b, '%', hex[c>>4], hex[c&0x0f])
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

// mustEscape is RFC 3986 as net/url applies it: unreserved bytes stay; of the reserved ones a
// path segment keeps $ & + : = @ and a query component keeps none.
func mustEscape(c byte, query bool) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return false
	}
	switch c {
	case '-', '_', '.', '~':
		return false
	case '$', '&', '+', ':', '=', '@':
		return query
	}
	return true
}
