#!/usr/bin/env bash
# Installs BitWeb for the current user (or, with --system, for every user): builds the host
# jar if needed, copies it to ${XDG_DATA_HOME:-~/.local/share}/bitweb/app/, writes the
# launchers, and registers the native messaging host with each browser in
# installer/browsers.json. Every file and folder it creates is listed in an install record,
# and --uninstall removes exactly those.
set -euo pipefail
# bash 5.2 makes '&' in ${var//pattern/replacement} mean "the match"; we want it literal.
shopt -u patsub_replacement 2>/dev/null || true

usage() {
  cat <<'EOF'
Usage: installer/install.sh [--rebuild | --no-build] [--browser NAME]... [--system | --service]
       installer/install.sh --uninstall [--system]
       installer/install.sh --check [--system]
       installer/install.sh --list [--system]

Installs the BitWeb host and registers it with Google Chrome, Chromium, Brave, Microsoft
Edge and Firefox (the rows of installer/browsers.json for this OS), installs the bitweb
command with its bash and zsh completion and man pages, then builds the extension
(extension/dist/) when node is available.

  --browser NAME  only this browser (chrome, chromium, brave, edge, firefox); repeatable
  --system     for every user of this machine (needs root): the host goes to
               /usr/local/lib/bitweb, the manifests to the browsers' system folders,
               completion and man pages under /usr/local/share
  --service    also keep the engine running: start it at login and restart it after a crash
               (bitweb service install: a systemd user service, a launchd agent on macOS);
               your sites stay up without a browser open
  --rebuild    build the host jar with Maven even if native-host/target/bitweb.jar exists
  --no-build   never run Maven; fail if the jar is missing
  --uninstall  remove every file and folder the installer created (per its install record)
  --check      verify an install: each manifest -> launcher -> jar -> java, naming the
               first broken link (then `bitweb doctor` checks the engine and the gateway)
  --list       print where each browser's manifest goes on this OS, and exit
  --help       show this help

Environment:
  BITWEB_JAR      install this prebuilt jar instead of native-host/target/bitweb.jar
  BITWEB_SHARE    the completion script and man pages to install (default: share/ next
                  to the jar, as the build makes them: native-host/target/share)
  XDG_DATA_HOME   where the app goes (default ~/.local/share); bitweb/app/ below it
  JAVA_HOME       the Java the launchers use (default: java on PATH at install time)
  BITWEB_OS, BITWEB_SYSTEM_ROOT  for tests: act as on linux|macos; put --system paths below
                  this folder
EOF
}

say() { printf '%s\n' "$*"; }
warn() { printf 'install.sh: warning: %s\n' "$*" >&2; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

# ---- options ----

MODE=install
SERVICE=0
BUILD=auto
SCOPE=user
BROWSERS=()
while (($#)); do
  case $1 in
    --rebuild) [[ $BUILD == never ]] && die "--rebuild and --no-build contradict each other"; BUILD=always ;;
    --no-build) [[ $BUILD == always ]] && die "--rebuild and --no-build contradict each other"; BUILD=never ;;
    --uninstall) MODE=uninstall ;;
    --check) MODE=check ;;
    --list) MODE=list ;;
    --system) SCOPE=system ;;
    --service) SERVICE=1 ;;
    --browser)
      (($# >= 2)) || { usage >&2; exit 2; }
      [[ $2 =~ ^(chrome|chromium|brave|edge|firefox)$ ]] || die "unknown browser '$2' (chrome, chromium, brave, edge, firefox)"
      BROWSERS+=("$2")
      shift
      ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; printf '\ninstall.sh: unknown option: %s\n' "$1" >&2; exit 2 ;;
  esac
  shift
done

# ---- where things are ----

REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
TEMPLATES=$REPO/installer/templates
IDS_FILE=$REPO/extension/ids.json
TABLE_FILE=$REPO/installer/browsers.json

[[ ${HOME:-} == /* ]] || die "HOME must be set to an absolute path (it is '${HOME:-}')"
# XDG base directories must be absolute; a relative value is ignored, as the spec says.
DATA_HOME=$HOME/.local/share
[[ ${XDG_DATA_HOME:-} == /* ]] && DATA_HOME=$XDG_DATA_HOME
CONFIG_HOME=$HOME/.config
[[ ${XDG_CONFIG_HOME:-} == /* ]] && CONFIG_HOME=$XDG_CONFIG_HOME

case ${BITWEB_OS:-$(uname -s)} in
  Linux | linux) OS=linux ;;
  Darwin | macos) OS=macos ;;
  *) OS=other ;;
esac

SYSTEM_ROOT=${BITWEB_SYSTEM_ROOT:-}
[[ -z $SYSTEM_ROOT || $SYSTEM_ROOT == /* ]] || die "BITWEB_SYSTEM_ROOT must be an absolute path"
if [[ $SCOPE == system ]]; then
  APP_DIR=$SYSTEM_ROOT/usr/local/lib/bitweb
  BIN_DIR=$SYSTEM_ROOT/usr/local/bin
  SHARE_DIR=$SYSTEM_ROOT/usr/local/share
else
  APP_DIR=$DATA_HOME/bitweb/app
  BIN_DIR=$HOME/.local/bin
  SHARE_DIR=$DATA_HOME
fi
# bash-completion looks in <XDG data dir>/bash-completion/completions; zsh in the folders on
# its fpath (Debian's has /usr/local/share/zsh/site-functions; a user adds theirs, see
# docs/INSTALL.md); man in <dir>/share/man for each <dir>/bin on PATH.
BASH_COMPLETION=$SHARE_DIR/bash-completion/completions/bitweb
ZSH_COMPLETION=$SHARE_DIR/zsh/site-functions/_bitweb
MAN_DIR=$SHARE_DIR/man/man1
RECORD=$APP_DIR/install-record
JAR=$APP_DIR/bitweb.jar
HOST_LAUNCHER=$APP_DIR/bitweb-host
# the class-data archives the launchers give their JVMs, each written by its first start
# (cli/LauncherArchive): the bridge's, 'bitweb serve''s, and the one the other commands share
HOST_ARCHIVE=$APP_DIR/bitweb-host.jsa
SERVE_ARCHIVE=$APP_DIR/bitweb-serve.jsa
COMMANDS_ARCHIVE=$APP_DIR/bitweb-commands.jsa
CLI_LAUNCHER=$BIN_DIR/bitweb
BUILT_JAR=$REPO/native-host/target/bitweb.jar
# The engine's base options (EngineJvm.base(), which EngineJvmTest holds this line to): the
# launcher gives them to every command, so 'bitweb serve' and the service it installs run the
# engine as the browser's bridge does (docs/TUNING.md, "An idle engine": 299 -> 163 MB at 1,000 sites).
ENGINE_JVM='-Xmx256m -XX:MaxDirectMemorySize=512m -XX:+UseSerialGC -Xms64m -XX:MetaspaceSize=64m -XX:-UsePerfData -XX:CompileThresholdScaling=2'
# the host launcher's: a light relay (C1 only, serial collector, 64 MB; Bridge.JVM, BridgeJvmTest)
HOST_JVM='-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx64m -XX:-UsePerfData -XX:+DisplayVMOutputToStderr -Xlog:all=off -Xlog:all=warning,cds=off,cds+dynamic=off:stderr'

# The one table of browser x OS x scope -> folder is installer/browsers.json, shared with
# install.ps1 (which uses its Windows rows: registry keys). It keeps one row per line so
# that sed can read it here. Prints "browser|family|folder" for this OS, scope and the
# --browser choice.
browser_table() {
  [[ -f $TABLE_FILE ]] || die "missing $TABLE_FILE (is this a BitWeb checkout?)"
  local browser family os scope dir b wanted
  while IFS='|' read -r browser family os scope dir; do
    [[ $os == "$OS" && $scope == "$SCOPE" ]] || continue
    if ((${#BROWSERS[@]})); then
      wanted=0
      for b in "${BROWSERS[@]}"; do [[ $b == "$browser" ]] && wanted=1; done
      ((wanted)) || continue
    fi
    dir=${dir//'${HOME}'/$HOME}
    dir=${dir//'${XDG_CONFIG_HOME}'/$CONFIG_HOME}
    [[ $scope == system ]] && dir=$SYSTEM_ROOT$dir
    printf '%s|%s|%s\n' "$browser" "$family" "$dir"
  done < <(sed -n 's/^[[:space:]]*{"browser": "\([a-z]*\)", "family": "\([a-z]*\)", "os": "\([a-z]*\)", "scope": "\([a-z]*\)", "dir": "\([^"]*\)".*/\1|\2|\3|\4|\5/p' "$TABLE_FILE")
}

# ids.json is the extension's record of its own IDs; read it without needing node or jq.
json_string() { # key file
  sed -n "s/^[[:space:]]*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$2" | head -n 1
}

read_ids() {
  [[ -f $IDS_FILE ]] || die "missing $IDS_FILE (is this a BitWeb checkout?)"
  HOST_NAME=$(json_string host "$IDS_FILE")
  CHROME_ID=$(json_string chrome "$IDS_FILE")
  FIREFOX_ID=$(json_string firefox "$IDS_FILE")
  [[ $HOST_NAME =~ ^[a-z0-9_]+(\.[a-z0-9_]+)*$ ]] || die "$IDS_FILE: bad host name '$HOST_NAME'"
  [[ $CHROME_ID =~ ^[a-p]{32}$ ]] || die "$IDS_FILE: bad chrome extension ID '$CHROME_ID'"
  [[ -n $FIREFOX_ID && $FIREFOX_ID != *[\"\\]* ]] || die "$IDS_FILE: bad firefox extension ID '$FIREFOX_ID'"
}

# ---- the install record ----
# One line per thing created: "file<TAB>/path" or "dir<TAB>/path", in creation order.

RECORD_OPEN=0
PENDING=()

record() { # kind path
  local line
  line=$(printf '%s\t%s' "$1" "$2")
  if ((RECORD_OPEN)); then
    grep -Fxq -- "$line" "$RECORD" 2>/dev/null || printf '%s\n' "$line" >>"$RECORD"
  else
    PENDING+=("$line")
  fi
}

open_record() {
  [[ -f $RECORD ]] || : >"$RECORD"
  RECORD_OPEN=1
  local line
  for line in "${PENDING[@]+"${PENDING[@]}"}"; do
    grep -Fxq -- "$line" "$RECORD" || printf '%s\n' "$line" >>"$RECORD"
  done
  PENDING=()
}

# Creates a folder and each missing parent, recording only the ones it created.
ensure_dir() {
  local dir=$1 missing=()
  while [[ ! -d $dir ]]; do
    missing=("$dir" "${missing[@]+"${missing[@]}"}")
    dir=$(dirname -- "$dir")
  done
  for dir in "${missing[@]+"${missing[@]}"}"; do
    mkdir -- "$dir"
    record dir "$dir"
  done
}

# Writes stdin to a file atomically (temp file + rename), then records it.
write_file() { # path mode
  local target=$1 mode=$2 tmp
  ensure_dir "$(dirname -- "$target")"
  tmp="$target.tmp.$$"
  cat >"$tmp"
  chmod "$mode" "$tmp"
  mv -f -- "$tmp" "$target"
  record file "$target"
}

# ---- text helpers ----

json_escape() { local s=$1; s=${s//\\/\\\\}; s=${s//\"/\\\"}; printf '%s' "$s"; }
sh_quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# Fills @KEY@ placeholders with literal values.
fill() { # template key value [key value...]
  local text value
  text=$(<"$1")
  shift
  while (($#)); do
    value=$2
    text=${text//"@$1@"/$value}
    shift 2
  done
  printf '%s\n' "$text"
}

# ---- Java and Maven ----

java_major() { # java binary -> major version ("1.8" counts as 8), or nothing
  local a b
  read -r a b < <("$1" -version 2>&1 | sed -n 's/.*version "\([0-9]*\)\.\{0,1\}\([0-9]*\).*/\1 \2/p' | head -n 1) || true
  if [[ ${a:-} == 1 ]]; then printf '%s' "${b:-}"; else printf '%s' "${a:-}"; fi
}

find_java() {
  JAVA=
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
    JAVA=$JAVA_HOME/bin/java
  elif command -v java >/dev/null 2>&1; then
    JAVA=$(command -v java)
  fi
}

ensure_build_tools() {
  find_java
  local major=
  [[ -n $JAVA ]] && major=$(java_major "$JAVA")
  if [[ -n $JAVA && ${major:-0} -ge 17 ]] && command -v mvn >/dev/null 2>&1; then
    return
  fi
  local why="building the host needs Java 17+ and Maven"
  if command -v apt-get >/dev/null 2>&1; then
    if [[ $(id -u) == 0 ]]; then
      say "$why; installing default-jdk-headless and maven with apt-get"
      apt-get update -q
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q default-jdk-headless maven
      find_java
      return
    fi
    die "$why. Install them, then run this again:
    sudo apt-get install -y default-jdk-headless maven"
  fi
  die "$why (found: java ${major:-none}, mvn $(command -v mvn || echo none)). Install them, then run this again."
}

build_jar() {
  ensure_build_tools
  say "Building the host: mvn -B -q -f $REPO/pom.xml package -DskipTests"
  mvn -B -q -f "$REPO/pom.xml" package -DskipTests
  [[ -f $BUILT_JAR ]] || die "Maven finished but $BUILT_JAR is missing"
}

# Picks the jar to install, building it when needed and allowed.
choose_jar() {
  if [[ -n ${BITWEB_JAR:-} ]]; then
    [[ -f $BITWEB_JAR ]] || die "BITWEB_JAR=$BITWEB_JAR: no such file"
    [[ $BUILD == always ]] && warn "--rebuild ignored: BITWEB_JAR names the jar to install"
    SOURCE_JAR=$BITWEB_JAR
    return
  fi
  SOURCE_JAR=$BUILT_JAR
  if [[ $BUILD == always || ! -f $BUILT_JAR ]]; then
    [[ $BUILD == never ]] && die "$BUILT_JAR is missing and --no-build was given.
  Build it:       mvn -B -q -f $REPO/pom.xml package -DskipTests
  or point to one: BITWEB_JAR=/path/to/bitweb.jar $0 --no-build"
    build_jar
  fi
}

# The completion script and man pages the build made beside the jar (share/, or BITWEB_SHARE).
choose_share() {
  SOURCE_SHARE=${BITWEB_SHARE:-$(dirname -- "$SOURCE_JAR")/share}
  if [[ ! -f $SOURCE_SHARE/bash-completion/completions/bitweb ]]; then
    warn "no completion script at $SOURCE_SHARE/bash-completion/completions/bitweb: shell completion and man pages not installed (mvn package makes them; or set BITWEB_SHARE)"
    SOURCE_SHARE=
  fi
}

# The jar's own version (bitweb --version), to stamp into what the installer writes.
jar_version() {
  VERSION=
  [[ -n $JAVA ]] || return 0
  VERSION=$("$JAVA" -jar "$JAR" --version 2>/dev/null | sed -n 's/^bitweb \([0-9][0-9A-Za-z.+-]*\)$/\1/p' | head -n 1) || true
  [[ -n $VERSION ]] || warn "$JAR did not say its version (bitweb --version)"
}

install_shell_files() {
  [[ -n $SOURCE_SHARE ]] || return 0
  write_file "$BASH_COMPLETION" 0644 <"$SOURCE_SHARE/bash-completion/completions/bitweb"
  fill "$TEMPLATES/_bitweb.zsh" BASH_COMPLETION "$(sh_quote "$BASH_COMPLETION")" | write_file "$ZSH_COMPLETION" 0644
  local page
  for page in "$SOURCE_SHARE"/man/man1/*.1; do
    [[ -f $page ]] || continue
    write_file "$MAN_DIR/$(basename -- "$page")" 0644 <"$page"
  done
}

# ---- install ----

host_manifest() { # family
  local template=$TEMPLATES/$1.json
  [[ -f $template ]] || die "missing template $template"
  fill "$template" \
    DESCRIPTION "$(json_escape "BitWeb${VERSION:+ $VERSION}: lets the BitWeb extension reach the local BitWeb engine")" \
    HOST_NAME "$HOST_NAME" \
    HOST_PATH "$(json_escape "$HOST_LAUNCHER")" \
    CHROME_ID "$CHROME_ID" \
    FIREFOX_ID "$(json_escape "$FIREFOX_ID")"
}

need_system_rights() {
  [[ $SCOPE == system && -z $SYSTEM_ROOT && $(id -u) != 0 ]] || return 0
  die "--system writes to /usr/local and the browsers' system folders: run it as root (sudo $REPO/installer/install.sh --system)"
}

install() {
  [[ $SERVICE == 0 || $SCOPE == user ]] || die "--service is per user: after --system, each user runs 'bitweb service install'"
  [[ $OS != other ]] || die "$(uname -s) is not supported by this script (Linux and macOS are; Windows: installer/install.ps1)"
  need_system_rights
  read_ids
  choose_jar
  choose_share

  ensure_dir "$APP_DIR"
  open_record

  local tmp="$JAR.tmp.$$"
  cp -- "$SOURCE_JAR" "$tmp"
  chmod 0644 "$tmp"
  mv -f -- "$tmp" "$JAR"
  record file "$JAR"
  # made for the jar just replaced: the next start of each launcher writes a new one
  local archive
  for archive in "$HOST_ARCHIVE" "$SERVE_ARCHIVE" "$COMMANDS_ARCHIVE"; do
    rm -f -- "$archive" "$archive.id"
    record file "$archive"
    record file "$archive.id"
  done

  find_java
  local java_word=java major=
  if [[ -n $JAVA ]]; then
    java_word=$(sh_quote "$JAVA")
    major=$(java_major "$JAVA")
    [[ -z $major || $major -ge 17 ]] || warn "$JAVA is Java $major; the host needs Java 17 or newer"
  else
    warn "java is not on PATH; the host needs Java 17+ (Debian: sudo apt-get install -y default-jre-headless)"
  fi
  jar_version
  fill "$TEMPLATES/bitweb-host.sh" JAVA "$java_word" JVM "$HOST_JVM" JAR "$(sh_quote "$JAR")" VERSION "${VERSION:-?}" \
    ARCHIVE "$(sh_quote "$HOST_ARCHIVE")" APP "$(sh_quote "$APP_DIR")" | write_file "$HOST_LAUNCHER" 0755
  fill "$TEMPLATES/bitweb.sh" JAVA "$java_word" JVM "$ENGINE_JVM" JAR "$(sh_quote "$JAR")" VERSION "${VERSION:-?}" SELF "$(sh_quote "$CLI_LAUNCHER")" \
    SERVE_ARCHIVE "$(sh_quote "$SERVE_ARCHIVE")" COMMANDS_ARCHIVE "$(sh_quote "$COMMANDS_ARCHIVE")" APP "$(sh_quote "$APP_DIR")" \
    | write_file "$CLI_LAUNCHER" 0755
  install_shell_files

  REGISTERED=()
  local browser family dir
  while IFS='|' read -r browser family dir; do
    host_manifest "$family" | write_file "$dir/$HOST_NAME.json" 0644
    REGISTERED+=("$browser|$dir/$HOST_NAME.json")
  done < <(browser_table)
  ((${#REGISTERED[@]})) || die "no browser to register for $OS/$SCOPE (see installer/browsers.json)"

  local extension_built=1
  if command -v node >/dev/null 2>&1; then
    node "$REPO/extension/build.mjs" >/dev/null || extension_built=0
  else
    extension_built=0
    warn "node is not installed, so the extension was not built (Debian: sudo apt-get install -y nodejs; then: node $REPO/extension/build.mjs)"
  fi

  report_install
  check || die "the install does not check out; see above"
  if ((SERVICE)); then
    say ""
    say "Keeping the engine running (starts at login, restarts after a crash): $CLI_LAUNCHER service install"
    "$CLI_LAUNCHER" service install || die "the service did not start; see above ('$CLI_LAUNCHER service status' says more)"
  fi
  ((extension_built)) || die "the host is installed, but building the extension failed (node $REPO/extension/build.mjs)"
}

report_install() {
  local UNDO_FLAG=
  [[ $SCOPE == system ]] && UNDO_FLAG=' --system'
  local what="BitWeb${VERSION:+ $VERSION} host"
  if [[ $SCOPE == system ]]; then
    say "$what installed for every user of this machine:"
  else
    say "$what installed for $(id -un 2>/dev/null || echo this user):"
  fi
  say "  jar       $JAR"
  say "  host      $HOST_LAUNCHER"
  say "  command   $CLI_LAUNCHER"
  if [[ -n $SOURCE_SHARE ]]; then
    say "  bash      $BASH_COMPLETION"
    say "  zsh       $ZSH_COMPLETION"
    say "  man       $MAN_DIR/bitweb.1 (and one page per command: man bitweb-publish, ...)"
  fi
  local entry
  for entry in "${REGISTERED[@]}"; do
    say "  $(printf '%-9s' "${entry%%|*}") ${entry#*|}"
  done
  case ":$PATH:" in
    *":$BIN_DIR:"*) ;;
    *) say "  note: $BIN_DIR is not on your PATH; add it to run 'bitweb' (and for man to find its pages)" ;;
  esac
  if [[ -n $SOURCE_SHARE && $SCOPE == user ]]; then
    say "  note: for zsh, put this in ~/.zshrc before compinit: fpath=(${ZSH_COMPLETION%/*} \$fpath)"
  fi
  cat <<EOF

Load the extension (or install a packaged one: node $REPO/extension/package.mjs):
  Chrome, Chromium, Brave, Edge: open chrome://extensions (edge://extensions), turn on
                     Developer mode, click "Load unpacked" and pick $REPO/extension/dist/chrome
                     (its ID is $CHROME_ID, the one the host allows)
  Firefox:           open about:debugging#/runtime/this-firefox, click "Load Temporary Add-on..."
                     and pick $REPO/extension/dist/firefox/manifest.json
Then open the BitWeb toolbar popup; it should say "Connected".
If it does not: $CLI_LAUNCHER doctor

Undo all of this with: $REPO/installer/install.sh --uninstall$UNDO_FLAG
EOF
}

# ---- check: follow each manifest to the launcher, the jar and java ----

# The manifests to check: those the install record lists (what was installed), else every
# row of the table (so a HOME without an install says what is missing).
manifests_to_check() {
  local browser family dir manifest
  while IFS='|' read -r browser family dir; do
    manifest=$dir/$HOST_NAME.json
    if [[ -f $RECORD ]] && ! grep -Fxq -- "$(printf 'file\t%s' "$manifest")" "$RECORD"; then
      continue
    fi
    printf '%s|%s|%s\n' "$browser" "$family" "$manifest"
  done < <(browser_table)
}

check() {
  local ok=0 count=0 browser family manifest path line
  [[ -n ${HOST_NAME:-} ]] || read_ids
  while IFS='|' read -r browser family manifest; do
    count=$((count + 1))
    if [[ ! -f $manifest ]]; then
      say "check: $browser: no host manifest at $manifest (run installer/install.sh)"
      ok=1
      continue
    fi
    if [[ $(json_string name "$manifest") != "$HOST_NAME" ]]; then
      say "check: $browser: $manifest does not name the host $HOST_NAME"
      ok=1
      continue
    fi
    if [[ $family == chromium ]]; then
      grep -Fq "chrome-extension://$CHROME_ID/" "$manifest" || {
        say "check: $browser: $manifest does not allow the extension $CHROME_ID (run installer/install.sh)"
        ok=1
        continue
      }
    else
      grep -Fq "\"$FIREFOX_ID\"" "$manifest" || {
        say "check: $browser: $manifest does not allow the extension $FIREFOX_ID (run installer/install.sh)"
        ok=1
        continue
      }
    fi
    path=$(json_string path "$manifest")
    if [[ ! -x $path ]]; then
      say "check: $browser: $manifest points to '$path', which is not an executable file"
      ok=1
      continue
    fi
    # The launcher's java and jar (the last line of our launcher: exec JAVA ... -jar JAR host "$@")
    line=$(grep -E '^exec ' "$path" | tail -n 1 || true)
    if [[ -n $line && $line != *"$JAR"* ]]; then
      say "check: $browser: the launcher $path runs another jar than $JAR"
      ok=1
      continue
    fi
  done < <(manifests_to_check)
  ((count)) || { say "check: no browser is registered for $OS/$SCOPE"; ok=1; }
  if [[ ! -f $JAR ]]; then
    say "check: missing $JAR (run installer/install.sh)"
    ok=1
  fi
  find_java
  if [[ -z $JAVA ]]; then
    say "check: java not found; the host needs Java 17 or newer"
    ok=1
  else
    local major
    major=$(java_major "$JAVA")
    if [[ -n $major && $major -lt 17 ]]; then
      say "check: $JAVA is Java $major; the host needs Java 17 or newer"
      ok=1
    fi
  fi
  if ((ok == 0)) && [[ $MODE == check ]]; then
    say "check: the BitWeb host install looks complete ($count browser manifest(s) -> $HOST_LAUNCHER -> $JAR -> $JAVA)"
    say "check: next, the engine and the gateway: $CLI_LAUNCHER doctor"
  fi
  return $ok
}

# ---- list ----

list() {
  [[ $OS != other ]] || die "$(uname -s): see installer/browsers.json (Windows: installer/install.ps1)"
  read_ids
  local browser family dir
  while IFS='|' read -r browser family dir; do
    printf '%s\t%s\t%s\n' "$browser" "$family" "$dir/$HOST_NAME.json"
  done < <(browser_table)
}

# ---- uninstall ----

# The per-user service's definition, if 'bitweb service install' wrote one (docs/SERVICE.md).
service_file() {
  if [[ $OS == macos ]]; then
    printf '%s' "$HOME/Library/LaunchAgents/org.bitweb.engine.plist"
  else
    printf '%s' "$CONFIG_HOME/systemd/user/bitweb.service"
  fi
}

uninstall() {
  if [[ ! -f $RECORD ]]; then
    say "Nothing to uninstall: there is no install record at $RECORD"
    return
  fi
  need_system_rights
  # the service runs the launcher about to go: stop and remove it first
  if [[ $SCOPE == user && -f $(service_file) && -x $CLI_LAUNCHER ]]; then
    "$CLI_LAUNCHER" service uninstall || warn "could not remove the service; remove $(service_file) by hand"
  fi
  local kind path files=() dirs=()
  while IFS=$'\t' read -r kind path; do
    [[ $path == /* ]] || continue # never act on a relative path
    case $kind in
      file) files+=("$path") ;;
      dir) dirs+=("$path") ;;
    esac
  done <"$RECORD"
  for path in "${files[@]+"${files[@]}"}"; do
    if [[ -e $path || -L $path ]]; then
      rm -f -- "$path"
      say "removed $path"
    fi
  done
  rm -f -- "$RECORD"
  local i
  for ((i = ${#dirs[@]} - 1; i >= 0; i--)); do
    path=${dirs[i]}
    [[ -d $path ]] || continue
    if rmdir -- "$path" 2>/dev/null; then
      say "removed $path/"
    else
      say "kept $path/ (it holds files the installer did not write)"
    fi
  done
  if [[ $SCOPE == system ]]; then
    say "BitWeb host uninstalled for every user. Each user's sites, keys and settings were not touched."
  else
    say "BitWeb host uninstalled. Your sites, keys and settings (under $DATA_HOME/bitweb) were not touched."
  fi
}

case $MODE in
  install) install ;;
  uninstall) uninstall ;;
  check) check ;;
  list) list ;;
esac
