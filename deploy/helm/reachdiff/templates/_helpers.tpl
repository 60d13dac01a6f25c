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

{{/*
Where the queue is. The bundled Redis: its password from its Secret, put into the URL by the kubelet
($(REDIS_PASSWORD) is expanded from the variable before it), so no spec holds it. An external Redis: its
URL (it may carry a password) from the chart's Secret, key redis-url (or github.existingSecret's).
*/}}
{{- define "reachdiff.redisEnv" -}}
{{- if .Values.redis.enabled -}}
- name: REDIS_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ .Values.redis.auth.existingSecret | default (printf "%s-redis" .Release.Name) }}, key: password } }
- name: REDIS_URL
  value: {{ printf "redis://:$(REDIS_PASSWORD)@%s-redis:6379" .Release.Name | quote }}
{{- else -}}
{{- if not .Values.github.existingSecret }}
{{- $_ := required "redis.externalUrl is required when redis.enabled is false" .Values.redis.externalUrl }}
{{- end }}
- name: REDIS_URL
  valueFrom: { secretKeyRef: { name: {{ include "reachdiff.secretName" . }}, key: redis-url } }
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
{{ include "reachdiff.redisEnv" . }}
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
