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
check 'openssl/' 'src/engine/' 'OpenSSL'
check '(n?curses|ncursesw/)' 'src/ui/' 'curses'
check 'yaml\.h>' 'src/(profile|theme)/' 'libyaml'
check 'jansson\.h>' 'src/out/' 'jansson'
# wire/ is bytes to structs and back: no OpenSSL, no sockets, no threads.
bad=$(grep -rlE '#include *<(sys/socket|netinet/|arpa/|poll|pthread)' src/wire 2>/dev/null || true)
if [ -n "$bad" ]; then
    echo "check-layers: src/wire must not use sockets, poll or threads:" $bad >&2
    status=1
fi
# Lower layers never include upper ones.
for low in util model wire engine; do
    case $low in
    util) up='(model|wire|engine|out|ui|profile|theme)/' ;;
    model) up='(wire|engine|out|ui|profile|theme)/' ;;
    wire) up='(engine|out|ui|profile|theme)/' ;;
    engine) up='(out|ui|profile|theme)/' ;;
    esac
    bad=$(grep -rlE "#include *\"$up" "src/$low" 2>/dev/null || true)
    if [ -n "$bad" ]; then
        echo "check-layers: src/$low includes a layer above it:" $bad >&2
        status=1
    fi
done
[ $status = 0 ] && echo "check-layers: ok"
exit $status
