# Patchgate sample payload: "Patchgate Sample Event Log Retention Check for Windows".
# Lists the size and retention of the main event logs and flags small ones. Read-only.
$minimumBytes = 64MB
foreach ($name in 'Application', 'System', 'Security') {
    $log = Get-WinEvent -ListLog $name -ErrorAction SilentlyContinue
    if ($null -eq $log) { Write-Output ($name + ': not readable'); continue }
    $flag = if ($log.MaximumSizeInBytes -lt $minimumBytes) { ' (below the recommended 64 MB)' } else { '' }
    Write-Output ("{0}: {1:N0} bytes, mode {2}{3}" -f $name, $log.MaximumSizeInBytes, $log.LogMode, $flag)
}
