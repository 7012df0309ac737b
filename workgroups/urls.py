from django.urls import path

app_name = "workgroups"

urlpatterns: list = []
