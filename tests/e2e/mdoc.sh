# mdoc.sh: reads what the man pages promise, for the tests that hold the
# programs to them.  Source it.

# synopsis PAGE: the SYNOPSIS of an mdoc page as plain text, one line per
# .Nm (so "labelctl token list [--org id]"): Op is [ ] to the end of its
# line, Fl is a '-', Ar, Cm and Li print their words, Ns joins, closing
# punctuation attaches to the word before.
synopsis() {
	awk '
	/^\.Sh NAME/ { inname = 1; next }
	inname && /^\.Nm/ { name = $2; inname = 0; next }
	/^\.Sh SYNOPSIS/ { on = 1; next }
	on && /^\.Sh/ { exit }
	function add(w, join) {
		if (line == "" || join || nojoin) line = line w
		else line = line " " w
		nojoin = (w == "[")
	}
	on {
		text = $0
		if (text !~ /^\./) { for (i = 1; i <= NF; i++) add($i, 0); next }
		n = split(substr(text, 2), t, /[ \t]+/)
		closes = 0; fl = 0; ns = 0
		for (i = 1; i <= n; i++) {
			m = t[i]
			if (m == "Nm") { if (line != "") print line; line = name; continue }
			if (m == "Op") { add("[", 0); closes++; continue }
			if (m == "Fl") { fl = 1; continue }
			if (m == "Ar" || m == "Cm" || m == "Li") continue
			if (m == "Ns") { ns = 1; continue }
			w = fl ? "-" m : m
			add(w, ns || w ~ /^[:,.;)]$/)
			fl = 0; ns = 0
		}
		if (fl) add("-", ns)
		for (; closes > 0; closes--) line = line "]"
	}
	END { if (line != "") print line }
	' "$1"
}

# tagged PAGE MACRO: the first word after ".It MACRO" on each list item,
# e.g. the keys of labeld.conf(5) (Cm) or labeld(8)'s flags (Fl).
tagged() {
	sed -n "s/^\.It $2 \([^ ]*\).*/\1/p" "$1"
}
