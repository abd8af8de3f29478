<#
.SYNOPSIS
  Installs the BitWeb native messaging host on Windows and registers it with Google Chrome,
  Chromium, Brave, Microsoft Edge and Firefox.

.DESCRIPTION
  The Windows rows of installer/browsers.json (the same table install.sh reads for Linux
  and macOS) name, for each browser, the registry key under which the browser looks for
  the host: <key>\org.bitweb.host, whose default value is the path of the host manifest.

  Per user (default): the host goes to %LOCALAPPDATA%\BitWeb\app, the keys to HKCU.
  -System (as administrator): %ProgramFiles%\BitWeb, keys in HKLM.

  Every file and key it creates is listed in install-record.txt next to the host;
  -Uninstall removes exactly those (your sites and keys in %LOCALAPPDATA%\bitweb stay).
  -Check follows each key -> manifest -> launcher -> jar -> java and names the first broken
  link. -DryRun prints what it would do and changes nothing.

.EXAMPLE
  powershell -ExecutionPolicy Bypass -File installer\install.ps1
.EXAMPLE
  powershell -ExecutionPolicy Bypass -File installer\install.ps1 -Browser chrome,firefox -Jar C:\bitweb.jar
.EXAMPLE
  powershell -ExecutionPolicy Bypass -File installer\install.ps1 -Service
.EXAMPLE
  powershell -ExecutionPolicy Bypass -File installer\install.ps1 -Uninstall
#>
[CmdletBinding()]
param(
  [switch]$Uninstall,
  [switch]$Check,
  [switch]$System,
  # also keep the engine running: a Task Scheduler logon task (bitweb service install; docs/SERVICE.md)
  [switch]$Service,
  [ValidateSet('chrome', 'chromium', 'brave', 'edge', 'firefox')]
  [string[]]$Browser,
  [string]$Jar,
  [switch]$DryRun
)

Set-StrictMode -Version 3
$ErrorActionPreference = 'Stop'

$Repo = Split-Path -Parent $PSScriptRoot
$Ids = Get-Content -Raw -LiteralPath (Join-Path $Repo 'extension\ids.json') | ConvertFrom-Json
$HostName = $Ids.host
$Scope = if ($System) { 'system' } else { 'user' }
$Rows = @((Get-Content -Raw -LiteralPath (Join-Path $PSScriptRoot 'browsers.json') | ConvertFrom-Json).rows |
  Where-Object { $_.os -eq 'windows' -and $_.scope -eq $Scope -and (-not $Browser -or $Browser -contains $_.browser) })
$AppDir = if ($System) { Join-Path $env:ProgramFiles 'BitWeb' } else { Join-Path $env:LOCALAPPDATA 'BitWeb\app' }
$RecordPath = Join-Path $AppDir 'install-record.txt'
$JarPath = Join-Path $AppDir 'bitweb.jar'
$HostLauncher = Join-Path $AppDir 'bitweb-host.cmd'
$CliLauncher = Join-Path $AppDir 'bitweb.cmd'
# The engine's base options (EngineJvm.base(), which EngineJvmTest holds this line to), for
# 'bitweb serve' through the launcher; the logon task runs javaw.exe with them itself
$EngineJvm = '-Xmx256m -XX:MaxDirectMemorySize=512m -XX:+UseSerialGC -Xms64m -XX:MetaspaceSize=64m -XX:-UsePerfData -XX:CompileThresholdScaling=2'
# the host launcher's: a light relay (C1 only, serial collector, 64 MB; Bridge.JVM, BridgeJvmTest)
$HostJvm = '-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx64m -XX:-UsePerfData -XX:+DisplayVMOutputToStderr -Xlog:all=off -Xlog:all=warning,cds=off,cds+dynamic=off:stderr'

function Say([string]$Text) { Write-Host $Text }

# Runs reg.exe (or prints the command with -DryRun). One place, so the commands are exactly
# the ones docs/INSTALL.md lists: reg.exe add "<key>\org.bitweb.host" /ve /t REG_SZ /d "<manifest>" /f
function Invoke-Reg([string[]]$Arguments) {
  if ($DryRun) { Say ("reg.exe " + (($Arguments | ForEach-Object { if ($_ -match '[\s\\]') { "`"$_`"" } else { $_ } }) -join ' ')); return }
  & reg.exe @Arguments | Out-Null
  if ($LASTEXITCODE -ne 0) { throw "reg.exe $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Write-TextFile([string]$Path, [string]$Text) {
  if ($DryRun) { Say "write $Path"; return }
  $tmp = "$Path.tmp"
  [System.IO.File]::WriteAllText($tmp, $Text, (New-Object System.Text.UTF8Encoding($false)))
  Move-Item -Force -LiteralPath $tmp -Destination $Path
}

function Add-Record([string]$Kind, [string]$Value) {
  if ($DryRun) { return }
  $line = "$Kind`t$Value"
  if (-not (Test-Path -LiteralPath $RecordPath) -or -not ((Get-Content -LiteralPath $RecordPath) -contains $line)) {
    Add-Content -LiteralPath $RecordPath -Value $line -Encoding UTF8
  }
}

function Find-Java {
  if ($env:JAVA_HOME -and (Test-Path -LiteralPath (Join-Path $env:JAVA_HOME 'bin\java.exe'))) { return (Join-Path $env:JAVA_HOME 'bin\java.exe') }
  $cmd = Get-Command java.exe -ErrorAction SilentlyContinue
  if ($cmd) { return $cmd.Source }
  return $null
}

function Get-JavaMajor([string]$Java) {
  $text = (& $Java -version 2>&1 | Out-String)
  if ($text -match 'version "1\.(\d+)') { return [int]$Matches[1] }
  if ($text -match 'version "(\d+)') { return [int]$Matches[1] }
  return $null
}

function Get-Manifest([string]$Family, [string]$LauncherPath) {
  $manifest = [ordered]@{
    name        = $HostName
    description = 'BitWeb: lets the BitWeb extension reach the local BitWeb engine'
    path        = $LauncherPath
    type        = 'stdio'
  }
  if ($Family -eq 'firefox') { $manifest.allowed_extensions = @($Ids.firefox) }
  else { $manifest.allowed_origins = @("chrome-extension://$($Ids.chrome)/") }
  return ($manifest | ConvertTo-Json)
}

function Get-ManifestPath([string]$Family) { Join-Path $AppDir "$HostName.$Family.json" }

# The batch lines that give a launcher's JVM its class-data archive $Jsa (a path, or a batch
# variable that holds one) in %CDS% and %ARCHIVE%: mapped when it is there, else written by the JVM
# as it exits. Per user only: the users of a system install may not write beside its jar.
function Get-ArchiveLines([string]$Jsa) {
  if ($System) { return "set `"CDS=-Xshare:auto`"`r`nset `"ARCHIVE=-Dbitweb.archive=`"" }
  "set `"CDS=-XX:ArchiveClassesAtExit=$Jsa`"`r`nif exist `"$Jsa`" set `"CDS=-XX:SharedArchiveFile=$Jsa`"`r`nset `"ARCHIVE=-Dbitweb.archive=$Jsa`""
}

function Install-BitWeb {
  if ($Rows.Count -eq 0) { throw "no browser to register (installer\browsers.json has no windows/$Scope rows for: $Browser)" }
  $source = if ($Jar) { $Jar } else { Join-Path $Repo 'native-host\target\bitweb.jar' }
  if (-not (Test-Path -LiteralPath $source)) {
    throw "$source is missing. Build it: mvn -B -q -f `"$Repo\pom.xml`" package -DskipTests (or pass -Jar C:\path\to\bitweb.jar)"
  }
  $java = Find-Java
  if (-not $java) { Write-Warning 'java.exe not found (JAVA_HOME or PATH); the host needs Java 17 or newer'; $java = 'java.exe' }

  if (-not $DryRun -and -not (Test-Path -LiteralPath $AppDir)) {
    New-Item -ItemType Directory -Force -Path $AppDir | Out-Null
    Add-Record 'dir' $AppDir
  }
  if (-not $DryRun) { Copy-Item -Force -LiteralPath $source -Destination $JarPath } else { Say "copy $source $JarPath" }
  Add-Record 'file' $JarPath
  # The launchers' class-data archives (docs/TUNING.md, "Class-data archives the launchers give"): the
  # bridge's, serve's and the other commands', made for the jar just replaced: each launcher's next
  # start writes a new one as it exits, then maps it. Per user only: the users of a system install
  # may not write beside its jar.
  $archive = Join-Path $AppDir 'bitweb-host.jsa'
  $serveArchive = Join-Path $AppDir 'bitweb-serve.jsa'
  $commandsArchive = Join-Path $AppDir 'bitweb-commands.jsa'
  foreach ($old in @($archive, "$archive.id", $serveArchive, "$serveArchive.id", $commandsArchive, "$commandsArchive.id")) {
    if (-not $DryRun -and (Test-Path -LiteralPath $old)) { Remove-Item -Force -LiteralPath $old }
    Add-Record 'file' $old
  }
  $cds = Get-ArchiveLines $archive
  Write-TextFile $HostLauncher "@echo off`r`nsetlocal`r`n$cds`r`n`"$java`" $HostJvm `"%CDS%`" `"%ARCHIVE%`" -jar `"$JarPath`" host %*`r`n"
  Add-Record 'file' $HostLauncher
  # the engine's base options, as install.sh's launcher gives them (EngineJvm.base()), and per user
  # serve's archive to serve, the one the other commands share to the others
  $cliCds = "set `"JSA=$commandsArchive`"`r`nif `"%~1`"==`"serve`" set `"JSA=$serveArchive`"`r`n" + (Get-ArchiveLines '%JSA%')
  Write-TextFile $CliLauncher ("@echo off`r`nsetlocal`r`n$cliCds`r`n`"$java`" $EngineJvm -XX:+DisplayVMOutputToStderr " +
    "-Xlog:cds=off -Xlog:cds+dynamic=off `"%CDS%`" `"%ARCHIVE%`" -jar `"$JarPath`" %*`r`n")
  Add-Record 'file' $CliLauncher

  foreach ($family in @($Rows | ForEach-Object { $_.family } | Sort-Object -Unique)) {
    $manifestPath = Get-ManifestPath $family
    Write-TextFile $manifestPath (Get-Manifest $family $HostLauncher)
    Add-Record 'file' $manifestPath
  }
  foreach ($row in $Rows) {
    $key = "$($row.key)\$HostName"
    Invoke-Reg @('add', $key, '/ve', '/t', 'REG_SZ', '/d', (Get-ManifestPath $row.family), '/f')
    Add-Record 'regkey' $key
    Say ("  {0,-9} {1}" -f $row.browser, $key)
  }
  Say "BitWeb host installed in $AppDir."
  Say "Load the extension: Chrome/Edge/Brave: chrome://extensions -> Developer mode -> Load unpacked -> $Repo\extension\dist\chrome"
  Say "                    Firefox: about:debugging#/runtime/this-firefox -> Load Temporary Add-on -> $Repo\extension\dist\firefox\manifest.json"
  Say "Undo with: installer\install.ps1 -Uninstall$(if ($System) { ' -System' })"
  if (-not $DryRun) { if (-not (Test-BitWeb)) { throw 'the install does not check out; see above' } }
  if ($Service) { Invoke-Service 'install' }
}

# The logon task that keeps the engine running is made by the host itself (one place for its XML:
# bitweb service install writes it and runs schtasks /Create /XML ... and schtasks /Run).
function Invoke-Service([string]$Verb) {
  if ($System) { throw '-Service is per user: after -System, each user runs: bitweb service install' }
  if ($DryRun) { Say "$CliLauncher service $Verb"; return }
  & $CliLauncher service $Verb
  if ($LASTEXITCODE -ne 0) { throw "bitweb service $Verb failed with exit code $LASTEXITCODE; see above" }
}

function Test-BitWeb {
  $ok = $true
  foreach ($row in $Rows) {
    $key = "$($row.key)\$HostName"
    $psKey = 'Registry::' + ($key -replace '^HKCU', 'HKEY_CURRENT_USER' -replace '^HKLM', 'HKEY_LOCAL_MACHINE')
    $item = Get-ItemProperty -LiteralPath $psKey -ErrorAction SilentlyContinue
    $value = if ($item -and ($item.PSObject.Properties.Name -contains '(default)')) { $item.'(default)' } else { $null }
    if (-not $value) { Say "check: $($row.browser): no registry key $key (run installer\install.ps1)"; $ok = $false; continue }
    if (-not (Test-Path -LiteralPath $value)) { Say "check: $($row.browser): $key names $value, which does not exist"; $ok = $false; continue }
    try { $manifest = Get-Content -Raw -LiteralPath $value | ConvertFrom-Json } catch { $manifest = $null }
    $names = if ($manifest) { $manifest.PSObject.Properties.Name } else { @() }
    if (-not ($names -contains 'name') -or $manifest.name -ne $HostName) { Say "check: $($row.browser): $value does not name $HostName"; $ok = $false; continue }
    if (-not ($names -contains 'path') -or -not (Test-Path -LiteralPath $manifest.path)) { Say "check: $($row.browser): $value points to a launcher that does not exist"; $ok = $false; continue }
  }
  if (-not (Test-Path -LiteralPath $JarPath)) { Say "check: missing $JarPath (run installer\install.ps1)"; $ok = $false }
  $java = Find-Java
  if (-not $java) { Say 'check: java.exe not found; the host needs Java 17 or newer'; $ok = $false }
  else {
    $major = Get-JavaMajor $java
    if ($major -and $major -lt 17) { Say "check: $java is Java $major; the host needs Java 17 or newer"; $ok = $false }
  }
  if ($ok) { Say "check: the BitWeb host install looks complete; next: $CliLauncher doctor" }
  return $ok
}

function Uninstall-BitWeb {
  if (-not (Test-Path -LiteralPath $RecordPath)) { Say "Nothing to uninstall: there is no install record at $RecordPath"; return }
  # the logon task runs the jar about to go: remove it first (it is harmless to ask when there is none)
  if (-not $System -and (Test-Path -LiteralPath $CliLauncher)) { & $CliLauncher service uninstall | Out-Null }
  $lines = @(Get-Content -LiteralPath $RecordPath)
  foreach ($line in $lines) {
    $kind, $value = $line -split "`t", 2
    if ($kind -eq 'regkey') { Invoke-Reg @('delete', $value, '/f'); Say "removed $value" }
  }
  foreach ($line in $lines) {
    $kind, $value = $line -split "`t", 2
    if ($kind -eq 'file' -and (Test-Path -LiteralPath $value)) {
      if (-not $DryRun) { Remove-Item -Force -LiteralPath $value }
      Say "removed $value"
    }
  }
  if (-not $DryRun) { Remove-Item -Force -LiteralPath $RecordPath }
  [array]::Reverse($lines)
  foreach ($line in $lines) {
    $kind, $value = $line -split "`t", 2
    if ($kind -eq 'dir' -and (Test-Path -LiteralPath $value) -and -not (Get-ChildItem -Force -LiteralPath $value)) {
      if (-not $DryRun) { Remove-Item -Force -LiteralPath $value }
      Say "removed $value\"
    }
  }
  Say 'BitWeb host uninstalled. Your sites, keys and settings were not touched.'
}

if ($Uninstall) { Uninstall-BitWeb }
elseif ($Check) { if (-not (Test-BitWeb)) { exit 1 } }
else { Install-BitWeb }
