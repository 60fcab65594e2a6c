#!/bin/sh
# Fails when a library header is included outside the layer that owns it (see DESIGN.md).
status=0
check() { # $1 = regex, $2 = allowed path regex, $3 = what
    bad=$(grep -rlE "#include *<$1" src | grep -vE "^$2" || true)
    if [ -n "$bad" ]; then
        echo "check-layers: $3 included outside $2:" $bad >&2
        status=1
    fi
}
# OpenSSL: the engine (the client) and the demo lab (servers and the certificate factory).
check 'openssl/' 'src/(engine|lab)/' 'OpenSSL'
check '(n?curses|ncursesw/)' 'src/ui/' 'curses'
check 'yaml\.h>' 'src/yaml/' 'libyaml'
check 'jansson\.h>' 'src/out/' 'jansson'
# wire/ is bytes to structs and back: no OpenSSL, no sockets, no threads.
bad=$(grep -rlE '#include *<(sys/socket|netinet/|arpa/|poll|pthread)' src/wire 2>/dev/null || true)
if [ -n "$bad" ]; then
    echo "check-layers: src/wire must not use sockets, poll or threads:" $bad >&2
    status=1
fi
# Lower layers never include upper ones. lab/ is the engine's sibling (same level: util,
# model and wire below it); neither includes the other, and the lab never sees the engine's
# internals. The UI may include the lab (--demo).
for low in util model wire engine lab; do
    case $low in
    util) up='(model|wire|engine|lab|out|ui|profile|theme)/' ;;
    model) up='(wire|engine|lab|out|ui|profile|theme)/' ;;
    wire) up='(engine|lab|out|ui|profile|theme)/' ;;
    engine) up='(lab|out|ui|profile|theme)/' ;;
    lab) up='(engine|out|ui|profile|theme)/' ;;
    esac
    bad=$(grep -rlE "#include *\"$up" "src/$low" 2>/dev/null || true)
    if [ -n "$bad" ]; then
        what="a layer above it"
        [ "$low" = engine ] || [ "$low" = lab ] && what="a layer above it or its sibling"
        echo "check-layers: src/$low includes $what:" $bad >&2
        status=1
    fi
done
# Only the UI (the --demo home screen) uses the lab; tests may too.
bad=$(grep -rlE '#include *"lab/' src | grep -vE '^src/(lab|ui)/' || true)
if [ -n "$bad" ]; then
    echo "check-layers: src/lab is for the UI only (and tests):" $bad >&2
    status=1
fi
[ $status = 0 ] && echo "check-layers: ok"
exit $status
