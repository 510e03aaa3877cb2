FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      fonts-ipaexfont libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir -e . && DEBUG=false SECRET_KEY=build MYNUMBER_KEYS=k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
      MYNUMBER_ACTIVE_KEY_ID=k1 MYNUMBER_INDEX_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
      python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "okazaki_vax.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3"]
