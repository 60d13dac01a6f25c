{{- define "reachdiff.fullname" -}}
{{- if contains "reachdiff" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-reachdiff" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "reachdiff.labels" -}}
app.kubernetes.io/name: reachdiff
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "reachdiff.selector" -}}
app.kubernetes.io/name: reachdiff
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "reachdiff.secretName" -}}
{{- default (include "reachdiff.fullname" .) .Values.github.existingSecret -}}
{{- end -}}

{{- define "reachdiff.redisUrl" -}}
{{- if .Values.redis.enabled -}}
{{- printf "redis://%s-redis:6379" .Release.Name -}}
{{- else -}}
{{- required "redis.externalUrl is required when redis.enabled is false" .Values.redis.externalUrl -}}
{{- end -}}
{{- end -}}

{{/* The environment both roles share. */}}
{{- define "reachdiff.env" -}}
- name: APP_ID
  value: {{ required "github.appId is required" .Values.github.appId | quote }}
- name: PRIVATE_KEY
  valueFrom: { secretKeyRef: { name: {{ include "reachdiff.secretName" . }}, key: private-key } }
- name: WEBHOOK_SECRET
  valueFrom: { secretKeyRef: { name: {{ include "reachdiff.secretName" . }}, key: webhook-secret } }
- name: REDIS_URL
  value: {{ include "reachdiff.redisUrl" . | quote }}
- name: HOST
  value: "0.0.0.0"
- name: HOME
  value: /tmp
- name: PORT
  value: "3000"
- name: LOG_LEVEL
  value: info
- name: REACHDIFF_WRITES_PER_MINUTE
  value: {{ .Values.writesPerMinute | quote }}
- name: REACHDIFF_QUEUE_MAX
  value: {{ .Values.queue.maxWaiting | quote }}
{{- with .Values.github.enterpriseHost }}
- name: GHE_HOST
  value: {{ . | quote }}
{{- end }}
{{- end -}}

{{/* A pod of either role: non-root, read-only, no service account token; /tmp for renders. */}}
{{- define "reachdiff.podCommon" -}}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
volumes:
  - name: tmp
    emptyDir: {}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
