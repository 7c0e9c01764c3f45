# Two stages: build a static binary, then run it as a non-root user on a
# minimal base. The image needs nothing but the binary.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/backoffice . && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/backoffice /backoffice
COPY --from=build --chown=nonroot:nonroot /out/data /data
WORKDIR /data
ENV BACKOFFICE_ADDR=:8080 BACKOFFICE_DATA_DIR=/data
EXPOSE 8080
VOLUME ["/data"]
USER nonroot:nonroot
ENTRYPOINT ["/backoffice"]
CMD ["serve"]
