#!/usr/bin/env bash
# Build the base images from Debian, for a machine that cannot pull from an image registry:
# debootstrap makes a bookworm root file system, which is imported as a local image, and four
# images are built on it from Debian's own packages:
#
#   localhost/portal-base-python:bookworm   Python 3.11 (python3, python3-venv): the app's base
#   localhost/portal-base-node:bookworm     Node.js and npm: the asset stage's base
#   localhost/portal-postgres:bookworm      PostgreSQL 15, configured like the official image
#   localhost/portal-redis:bookworm         Redis 7
#
# Needs root (debootstrap), debootstrap, and podman (or docker: ENGINE=docker). Only the Debian
# mirror is contacted. Run from anywhere: docker/base/build.sh. See docs/operations.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ENGINE="${ENGINE:-podman}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ROOTFS="${ROOTFS_DIR:-/var/tmp/portal-rootfs-bookworm}"
DEBIAN_IMAGE=localhost/portal-debian:bookworm

if ! "$ENGINE" image inspect "$DEBIAN_IMAGE" >/dev/null 2>&1; then
  if [ ! -e "$ROOTFS/etc/debian_version" ]; then
    debootstrap --variant=minbase --include=ca-certificates bookworm "$ROOTFS" "$MIRROR"
  fi
  # Security and point-release updates too, so `apt-get upgrade` in an image means something.
  cat > "$ROOTFS/etc/apt/sources.list" <<SOURCES
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb ${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security} bookworm-security main
SOURCES
  # Certificate authorities this host was told to trust (a TLS-inspecting proxy's, as on the
  # project's build machine, where the package registries are reached through one): the images
  # built here trust them too, or pip and npm cannot reach their registries. None: nothing added.
  shopt -s nullglob
  extra_cas=("${HOST_CA_DIR:-/usr/local/share/ca-certificates}"/*.crt)
  if ((${#extra_cas[@]})); then
    cp "${extra_cas[@]}" "$ROOTFS/usr/local/share/ca-certificates/"
    chroot "$ROOTFS" update-ca-certificates
  fi
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/*
  tar --numeric-owner -C "$ROOTFS" -c . \
    | "$ENGINE" import --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' - "$DEBIAN_IMAGE"
fi

for name in python node postgres redis; do
  case "$name" in
    python | node) tag="localhost/portal-base-$name:bookworm" ;;
    *) tag="localhost/portal-$name:bookworm" ;;
  esac
  # Host networking for the build: the apt-get steps reach the mirror the way the host does.
  "$ENGINE" build --network host --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" \
    -f "$here/$name.Containerfile" -t "$tag" "$here"
done
"$ENGINE" images --filter reference='localhost/portal-*'
